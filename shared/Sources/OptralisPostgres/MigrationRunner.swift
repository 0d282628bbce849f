import Logging
import OptralisCore
import PostgresNIO

/// Applies schema migrations in order, each in its own transaction, recording them in
/// `schema_migrations`. A session-level advisory lock serialises concurrent runners (two api
/// replicas starting at once): the second waits, then finds nothing left to do.
public struct MigrationRunner: Sendable {
    /// Arbitrary constant shared by every Optralis process ("optr" in ASCII).
    static let advisoryLockKey: Int64 = 0x6F70_7472

    public struct Report: Sendable, Equatable {
        public var applied: [String]
        public var alreadyApplied: Int
    }

    private let client: PostgresClient
    private let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    @discardableResult
    public func run(_ migrations: [Migration]) async throws -> Report {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.advisoryLockKey))", logger: logger)
            do {
                let report = try await apply(migrations, on: connection)
                try await connection.queryUnlessClosed("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                return report
            } catch {
                await connection.cleanUp("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                throw error
            }
        }
    }

    private func apply(_ migrations: [Migration], on connection: PostgresConnection) async throws -> Report {
        // Created only when missing: the services' role may not create tables, and at start-up
        // it only reads that nothing is pending.
        var exists = false
        for try await found in try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger).decode(Bool.self) {
            exists = found
        }
        if !exists {
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    checksum TEXT NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """, logger: logger)
        }
        var recorded: [Int: String] = [:]
        for try await (version, checksum) in try await connection.query(
            "SELECT version, checksum FROM schema_migrations", logger: logger
        ).decode((Int, String).self) {
            recorded[version] = checksum
        }

        var report = Report(applied: [], alreadyApplied: 0)
        for migration in migrations {
            let checksum = try await md5(migration.sql, on: connection)
            if let existing = recorded[migration.version] {
                guard existing == checksum else { throw MigrationError.edited(migration.fileName) }
                report.alreadyApplied += 1
                continue
            }
            let clock = ContinuousClock()
            let start = clock.now
            try await connection.transaction(logger: logger) { transaction in
                for (index, statement) in SQLScript.statements(in: migration.sql).enumerated() {
                    do {
                        // To its end: postgres-nio hands back a statement's rows as it starts, and a
                        // next statement queued behind a running one may never return if the
                        // backend ends meanwhile (`TerminatedBackendTests`). A failure is also
                        // pinned on the statement that failed.
                        for try await _ in try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger) {}
                    } catch {
                        throw MigrationError.failed(migration.fileName, statement: index + 1, underlying: String(reflecting: error))
                    }
                }
                try await transaction.query(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(checksum))",
                    logger: logger)
            }
            logger.info(
                "migration applied",
                metadata: ["migration": "\(migration.fileName)", "duration_ms": "\((clock.now - start).milliseconds)"])
            report.applied.append(migration.fileName)
        }
        return report
    }

    private func md5(_ text: String, on connection: PostgresConnection) async throws -> String {
        let rows = try await connection.query("SELECT md5(\(text))", logger: logger).decode(String.self)
        for try await value in rows { return value }
        throw MigrationError.failed("checksum", statement: 0, underlying: "md5() returned no row")
    }
}

public enum MigrationError: Error, CustomStringConvertible {
    case edited(String)
    case failed(String, statement: Int, underlying: String)

    public var description: String {
        switch self {
        case .edited(let file):
            "migration \(file) changed after it was applied; migrations are never edited once landed — add a new file instead"
        case .failed(let file, let statement, let underlying):
            "migration \(file) failed at statement \(statement): \(underlying)"
        }
    }
}
