import Foundation
import OptralisPostgres
import OptralisRedis

/// Where the servers started for the test run are. `make test` (scripts/test.sh) starts a
/// PostgreSQL and a Redis of its own and exports these variables; run it rather than
/// `swift test` alone.
public enum TestEnvironment {
    /// `OPTRALIS_TEST_DATABASE_URL`: a superuser connection to the test cluster.
    public static var adminDatabaseURL: DatabaseURL {
        get throws { try DatabaseURL(parsing: try variable("OPTRALIS_TEST_DATABASE_URL")) }
    }

    /// `OPTRALIS_TEST_REDIS_URL`.
    public static var redisURL: RedisURL {
        get throws { try RedisURL(parsing: try variable("OPTRALIS_TEST_REDIS_URL")) }
    }

    /// The database `make test` migrated once; every suite copies it (`CREATE DATABASE … TEMPLATE`).
    public static var templateDatabase: String {
        ProcessInfo.processInfo.environment["OPTRALIS_TEST_TEMPLATE_DB"] ?? "optralis_template"
    }

    /// The repository root, found from this file's path.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var migrationsDirectory: String { repositoryRoot.appendingPathComponent("shared/Migrations").path }

    /// The `data` of one collect post of `collector` (`Fixtures/collect/<collector>.json`).
    public static func collectFixture(_ collector: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent("shared/Tests/OptralisTestSupport/Fixtures/collect/\(collector).json"), encoding: .utf8)
    }

    /// `OPTRALIS_BIN_DIR` (set by make test to `swift build --show-bin-path`), else `.build/debug`.
    public static var binaryDirectory: URL {
        if let configured = ProcessInfo.processInfo.environment["OPTRALIS_BIN_DIR"], !configured.isEmpty {
            return URL(fileURLWithPath: configured)
        }
        return repositoryRoot.appendingPathComponent(".build/debug")
    }

    public static func variable(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw TestEnvironmentError(message: "\(name) is not set: run the tests with `make test`, which starts PostgreSQL and Redis for them")
        }
        return value
    }
}

public struct TestEnvironmentError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
