import Foundation
import HummingbirdBcrypt
import Logging
import OptralisCore
import OptralisPostgres
import PostgresNIO

/// `DEFAULT_ADMIN_EMAIL` / `DEFAULT_ADMIN_PASSWORD`: the super_admin the api creates when the
/// installation has none. There is no default password (the spec's `admin123` is not kept):
/// without the variables no account is created and the api says how to make one.
public struct InitialAdmin: Sendable {
    public var email: String
    public var password: String

    static func read(from reader: inout EnvironmentReader) -> InitialAdmin? {
        guard let password = reader.value("DEFAULT_ADMIN_PASSWORD") else { return nil }
        let email = reader.string("DEFAULT_ADMIN_EMAIL", default: "admin@optralis.local").lowercased()
        if password.count < 12 {
            reader.report("DEFAULT_ADMIN_PASSWORD", "must be at least 12 characters (the password policy's minimum)")
        }
        if !email.contains("@") {
            reader.report("DEFAULT_ADMIN_EMAIL", "must be an email address (got \"\(email)\")")
        }
        return InitialAdmin(email: email, password: password)
    }

    /// Creates the super_admin (must change the password at first login) unless one exists.
    /// Safe with several replicas starting at once: the unique email index keeps one row.
    static func ensure(_ admin: InitialAdmin?, database: Database, logger: Logger) async throws {
        let existing = try await database.client.query(
            "SELECT count(*) FROM users WHERE role = 'super_admin'", logger: logger
        ).decode(Int.self).reduce(0, +)
        guard existing == 0 else { return }
        guard let admin else {
            logger.warning("no super_admin exists: set DEFAULT_ADMIN_EMAIL and DEFAULT_ADMIN_PASSWORD and restart the api to create one")
            return
        }
        let hash = Bcrypt.hash(admin.password, cost: 12)
        let inserted = try await database.client.query(
            """
            INSERT INTO users (email, password_hash, role, first_name, last_name, must_change_password)
            VALUES (\(admin.email), \(hash), 'super_admin', 'Super', 'Admin', true)
            ON CONFLICT DO NOTHING RETURNING id
            """, logger: logger
        ).decode(UUID.self).collect()
        if !inserted.isEmpty {
            logger.notice("created the first super_admin", metadata: ["email": "\(admin.email)"])
        }
    }
}
