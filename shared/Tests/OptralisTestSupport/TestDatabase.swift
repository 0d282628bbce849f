import Foundation
import Logging
import OptralisPostgres
import PostgresNIO

/// A database of its own for one test suite, created on the test cluster and dropped after.
public struct TestDatabase: Sendable {
    public let name: String
    public let url: DatabaseURL

    /// A copy of the migrated template (fast: a file copy on the server), or, with
    /// `migrated: false`, an empty database for the migration tests.
    public static func create(migrated: Bool = true) async throws -> TestDatabase {
        let admin = try TestEnvironment.adminDatabaseURL
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let template = migrated ? TestEnvironment.templateDatabase : "template0"
        try await administer { client, logger in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\" TEMPLATE \"\(template)\""), logger: logger)
        }
        return TestDatabase(name: name, url: admin.with(database: name))
    }

    public func drop() async throws {
        let name = self.name
        try await Self.administer { client, logger in
            try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)"), logger: logger)
        }
    }

    /// Runs `body` with a running pool on this database.
    public func withClient<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        try await Self.withRunningClient(url: url, body)
    }

    /// Runs `body` with a running pool on any database.
    public static func withRunningClient<T: Sendable>(url: DatabaseURL, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: url.clientConfiguration(maximumConnections: 4), backgroundLogger: testLogger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    private static func administer(_ body: @Sendable (PostgresClient, Logger) async throws -> Void) async throws {
        try await withRunningClient(url: try TestEnvironment.adminDatabaseURL) { client in
            try await body(client, testLogger)
        }
    }
}

/// A quiet logger for test plumbing.
public let testLogger: Logger = {
    var logger = Logger(label: "optralis.tests")
    logger.logLevel = .warning
    return logger
}()
