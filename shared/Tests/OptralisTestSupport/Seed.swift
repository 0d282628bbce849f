import Foundation
import PostgresNIO

/// Rows the tests of every service start from: a client, a machine, a user. Each takes only what
/// a test varies; every other column keeps the schema's default.
public enum Seed {
    /// A client (licence `trial` and language `fr` unless given).
    public static func client(
        _ db: PostgresClient, name: String = "Client \(UUID().uuidString.prefix(6))", licence: String? = nil, language: String? = nil
    ) async throws -> UUID {
        try await id(
            db,
            """
            INSERT INTO clients (name, license_type, language)
            VALUES (\(name), COALESCE(\(licence), 'trial'), COALESCE(\(language), 'fr')) RETURNING id
            """)
    }

    /// A machine of `client` (no certificate, never seen).
    public static func machine(_ db: PostgresClient, client: UUID, hostname: String = "host-\(UUID().uuidString.prefix(6))") async throws -> UUID {
        try await id(db, "INSERT INTO machines (client_id, hostname) VALUES (\(client), \(hostname)) RETURNING id")
    }

    /// A user of `client` (nil: a super_admin) whose password hash is `passwordHash`.
    public static func user(
        _ db: PostgresClient, client: UUID?, role: String, passwordHash: String, email: String? = nil, language: String = "fr",
        mustChangePassword: Bool = false, firstName: String = "Test", lastName: String = "User"
    ) async throws -> (id: UUID, email: String) {
        let email = email ?? "\(role)-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let id = try await id(
            db,
            """
            INSERT INTO users (client_id, email, password_hash, first_name, last_name, role, language, must_change_password)
            VALUES (\(client), \(email), \(passwordHash), \(firstName), \(lastName), \(role), \(language), \(mustChangePassword)) RETURNING id
            """)
        return (id, email)
    }

    private static func id(_ db: PostgresClient, _ query: PostgresQuery) async throws -> UUID {
        for try await id in try await db.query(query, logger: testLogger).decode(UUID.self) { return id }
        throw SeedError(query: query.sql)
    }

    struct SeedError: Error, CustomStringConvertible {
        let query: String
        var description: String { "no row returned by \(query)" }
    }
}
