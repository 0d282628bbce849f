import Foundation

/// What the web service keeps for a logged-in browser, server-side: the api's tokens never reach
/// the browser, which holds only a random session id in an HttpOnly cookie.
struct WebSession: Codable, Sendable {
    var accessToken: String
    var refreshToken: String
    /// Every form of the session carries it (`_csrf`), compared in constant time.
    var csrfToken: String
    var user: User

    struct User: Codable, Sendable {
        var email: String
        var firstName: String?
        var lastName: String?
        var role: String
        var language: String?
        var clientName: String?
        var mustChangePassword: Bool?

        enum CodingKeys: String, CodingKey {
            case email, role, language
            case firstName = "first_name", lastName = "last_name", clientName = "client_name", mustChangePassword = "must_change_password"
        }
    }
}
