import Foundation

/// What a successful login, MFA check, refresh or password change hands back.
struct SessionTokens: Sendable {
    let access: TokenSigner.Issued
    let refreshToken: String
    let csrfToken: String
    let user: UserRecord
}

/// The JSON body of a session: the spec's `access_token`, `refresh_token` and `user`.
struct SessionResponse: Codable, Sendable {
    let accessToken: String
    let refreshToken: String
    let tokenType: String
    let expiresIn: Int
    let user: SessionUser

    init(_ session: SessionTokens) {
        accessToken = session.access.token
        refreshToken = session.refreshToken
        tokenType = "Bearer"
        expiresIn = Int(TokenSigner.accessLifetime)
        user = SessionUser(session.user)
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", refreshToken = "refresh_token", tokenType = "token_type", expiresIn = "expires_in", user
    }
}

struct SessionUser: Codable, Sendable {
    let id: UUID
    let email: String
    let firstName: String
    let lastName: String
    let role: String
    let clientID: UUID?
    let clientName: String?
    let mustChangePassword: Bool
    /// `fr` or `en`: the dashboard's language for this user.
    let language: String

    init(_ user: UserRecord) {
        (id, email, firstName, lastName, role, language) = (user.id, user.email, user.firstName, user.lastName, user.role.rawValue, user.language)
        (clientID, clientName, mustChangePassword) = (user.clientID, user.clientName, user.mustChangePassword || user.passwordExpired)
    }

    enum CodingKeys: String, CodingKey {
        case id, email, role, language
        case firstName = "first_name", lastName = "last_name", clientID = "client_id", clientName = "client_name"
        case mustChangePassword = "must_change_password"
    }
}
