import Foundation
import PostgresNIO

/// A row of `users` with its client's name, as the auth and user routes read it.
struct UserRecord: Sendable {
    let id: UUID
    let clientID: UUID?
    let email: String
    let passwordHash: String
    let firstName: String
    let lastName: String
    let role: Role
    let language: String
    let mustChangePassword: Bool
    let passwordExpiresAt: Date
    let mfaEnabled: Bool
    let mfaSecret: String?
    let mfaEnabledAt: Date?
    let lastLoginAt: Date?
    let createdAt: Date
    let clientName: String?
    /// Access tokens issued before this (a password reset or change) are refused.
    let tokensValidAfter: Date?

    static let columns = """
        u.id, u.client_id, u.email, u.password_hash, u.first_name, u.last_name, u.role, u.language,
        u.must_change_password, u.password_expires_at, u.mfa_enabled, u.mfa_secret, u.mfa_enabled_at,
        u.last_login_at, u.created_at, c.name, u.tokens_valid_after
        """

    typealias Row = (UUID, UUID?, String, String, String, String, String, String, Bool, Date, Bool, String?, Date?, Date?, Date, String?, Date?)

    init(_ row: Row) {
        (id, clientID, email, passwordHash, firstName, lastName) = (row.0, row.1, row.2, row.3, row.4, row.5)
        role = Role(rawValue: row.6) ?? .observer
        (language, mustChangePassword, passwordExpiresAt, mfaEnabled, mfaSecret) = (row.7, row.8, row.9, row.10, row.11)
        (mfaEnabledAt, lastLoginAt, createdAt, clientName, tokensValidAfter) = (row.12, row.13, row.14, row.15, row.16)
    }

    var passwordExpired: Bool { passwordExpiresAt < Date() }
}

/// The public view of a user, in every response that shows one.
struct UserView: Codable, Sendable {
    let id: UUID
    let email: String
    let firstName: String
    let lastName: String
    let role: String
    let language: String
    let clientID: UUID?
    let clientName: String?
    let mfaEnabled: Bool
    let mustChangePassword: Bool
    let passwordExpiresAt: Date
    let lastLoginAt: Date?
    let createdAt: Date

    init(_ user: UserRecord) {
        (id, email, firstName, lastName, role, language) = (user.id, user.email, user.firstName, user.lastName, user.role.rawValue, user.language)
        (clientID, clientName, mfaEnabled, mustChangePassword) = (user.clientID, user.clientName, user.mfaEnabled, user.mustChangePassword)
        (passwordExpiresAt, lastLoginAt, createdAt) = (user.passwordExpiresAt, user.lastLoginAt, user.createdAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, email, role, language
        case firstName = "first_name", lastName = "last_name", clientID = "client_id", clientName = "client_name"
        case mfaEnabled = "mfa_enabled", mustChangePassword = "must_change_password"
        case passwordExpiresAt = "password_expires_at", lastLoginAt = "last_login_at", createdAt = "created_at"
    }
}
