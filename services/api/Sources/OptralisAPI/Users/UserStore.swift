import Foundation
import Logging
import OptralisPostgres
import PostgresNIO

/// SQL for `users`. Every read of a tenant's users takes the client id.
struct UserStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    private func one(_ query: PostgresQuery) async throws -> UserRecord? {
        for try await row in try await database.query(query, logger: logger).decode(UserRecord.Row.self) {
            return UserRecord(row)
        }
        return nil
    }

    func find(email: String) async throws -> UserRecord? {
        try await one("SELECT \(unescaped: UserRecord.columns) FROM users u LEFT JOIN clients c ON c.id = u.client_id WHERE lower(u.email) = lower(\(email))")
    }

    func find(id: UUID) async throws -> UserRecord? {
        try await one("SELECT \(unescaped: UserRecord.columns) FROM users u LEFT JOIN clients c ON c.id = u.client_id WHERE u.id = \(id)")
    }

    /// A user of `clientID` only: another tenant's id reads as absent (404).
    func find(id: UUID, clientID: UUID) async throws -> UserRecord? {
        try await one(
            "SELECT \(unescaped: UserRecord.columns) FROM users u LEFT JOIN clients c ON c.id = u.client_id WHERE u.id = \(id) AND u.client_id = \(clientID)")
    }

    func list(clientID: UUID) async throws -> [UserRecord] {
        var users: [UserRecord] = []
        for try await row in try await database.query(
            "SELECT \(unescaped: UserRecord.columns) FROM users u LEFT JOIN clients c ON c.id = u.client_id WHERE u.client_id = \(clientID) ORDER BY u.created_at",
            logger: logger
        ).decode(UserRecord.Row.self) { users.append(UserRecord(row)) }
        return users
    }

    struct NewUser: Sendable {
        var clientID: UUID?
        var email: String
        var passwordHash: String
        var firstName: String
        var lastName: String
        var role: Role
        var language: String
        var mustChangePassword: Bool
    }

    /// Inserts a user; nil when the email is taken (unique, case-insensitive).
    func insert(_ user: NewUser, on connection: PostgresConnection? = nil) async throws -> UUID? {
        let query: PostgresQuery = """
            INSERT INTO users (client_id, email, password_hash, first_name, last_name, role, language, must_change_password)
            VALUES (\(user.clientID), \(user.email), \(user.passwordHash), \(user.firstName), \(user.lastName), \(user.role.rawValue), \(user.language), \(user.mustChangePassword))
            ON CONFLICT DO NOTHING RETURNING id
            """
        let rows: PostgresRowSequence
        if let connection { rows = try await connection.query(query, logger: logger) } else { rows = try await database.query(query, logger: logger) }
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }

    struct Changes: Sendable {
        var email: String?
        var firstName: String?
        var lastName: String?
        var role: Role?
        var language: String?
    }

    /// Applies the fields given; false when the new email is taken.
    func update(id: UUID, clientID: UUID, _ changes: Changes, on connection: PostgresConnection) async throws -> Bool {
        do {
            try await connection.query(
                """
                UPDATE users SET
                    email = COALESCE(\(changes.email), email), first_name = COALESCE(\(changes.firstName), first_name),
                    last_name = COALESCE(\(changes.lastName), last_name), role = COALESCE(\(changes.role?.rawValue), role),
                    language = COALESCE(\(changes.language), language), updated_at = now()
                WHERE id = \(id) AND client_id = \(clientID)
                """, logger: logger)
            return true
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            return false
        }
    }

    func delete(id: UUID, clientID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM users WHERE id = \(id) AND client_id = \(clientID)", logger: logger)
    }

    /// Runs `body` in a transaction holding the client's admin rows locked, with their count:
    /// two requests demoting or deleting the last two admins at once cannot both succeed.
    func withAdminsLocked<T: Sendable>(clientID: UUID, _ body: @Sendable (PostgresConnection, Int) async throws -> T) async throws -> T {
        try await database.transaction(logger: logger) { connection in
            let admins = try await connection.query(
                "SELECT id FROM users WHERE client_id = \(clientID) AND role = 'admin' FOR UPDATE", logger: logger
            ).decode(UUID.self).reduce(0) { count, _ in count + 1 }
            return try await body(connection, admins)
        }
    }

    /// A new password hash; `temporary` forces a change at next login. Every access token issued
    /// before it is refused from now on: `tokens_valid_after` takes this process's clock, the one
    /// that stamps the tokens' `iat` (PostgreSQL's may differ).
    func setPassword(id: UUID, hash: String, temporary: Bool) async throws {
        try await database.query(
            """
            UPDATE users SET password_hash = \(hash), must_change_password = \(temporary), password_changed_at = now(),
                password_expires_at = now() + \(PasswordPolicy.lifetimeDays) * INTERVAL '1 day', updated_at = now(),
                tokens_valid_after = \(Date())
            WHERE id = \(id)
            """, logger: logger)
    }

    func recordLogin(id: UUID) async throws {
        try await database.query(
            "UPDATE users SET last_login_at = now(), failed_login_count = 0 WHERE id = \(id)", logger: logger)
    }

    func recordFailedLogin(id: UUID) async throws {
        try await database.query(
            "UPDATE users SET failed_login_count = failed_login_count + 1, last_failed_login_at = now() WHERE id = \(id)", logger: logger)
    }
}
