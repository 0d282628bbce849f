import Foundation

/// What the web service keeps for a logged-in browser, server-side: the api's tokens never reach
/// the browser, which holds only a random session id in an HttpOnly cookie.
struct WebSession: Codable, Sendable {
    var accessToken: String
    var refreshToken: String
    /// Every form of the session carries it (`_csrf`), compared in constant time.
    var csrfToken: String
    var user: User
    /// Set while a super_admin acts as an admin of a client (`POST /api/admin/impersonate/…`).
    var acting: Acting?

    /// A client a super_admin acts for, with the api's 15-minute token for its tenant routes.
    struct Acting: Codable, Sendable {
        var clientID: String
        var clientName: String
        var accessToken: String

        enum CodingKeys: String, CodingKey { case clientID = "client_id", clientName = "client_name", accessToken = "access_token" }
    }

    /// The role pages act with: a super_admin acting for a client is one of its admins.
    var role: String { acting == nil ? user.role : "admin" }
    /// The platform's own view: a super_admin not acting for a client.
    var isPlatform: Bool { user.role == "super_admin" && acting == nil }
    var clientName: String? { acting?.clientName ?? user.clientName }

    /// The token for an api path: the acting token on the client's routes, the user's own on the
    /// platform's (`/api/admin/…` refuses an impersonation token) and the account's.
    func token(for path: String) -> String {
        guard let acting, !path.hasPrefix("/api/admin"), !path.hasPrefix("/auth") else { return accessToken }
        return acting.accessToken
    }

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
