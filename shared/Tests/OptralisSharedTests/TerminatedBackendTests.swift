import Foundation
import OptralisPostgres
import OptralisTestSupport
import PostgresNIO
import Synchronization
import Testing

/// A connection whose backend ends mid-transaction (a PostgreSQL restart, `pg_terminate_backend`)
/// fails what runs on it at once, and the pool keeps serving (`PostgresConnection.cleanUp`).
/// Before, postgres-nio's `withTransaction` waited for a `ROLLBACK` sent as the connection closed
/// (it never returned in one run of two here), and the migration runner for its
/// `pg_advisory_unlock` (every run).
@Suite("A backend terminated mid-transaction")
struct TerminatedBackendTests {
    /// `work`'s error (`.some(nil)` when it returned), or nil when it had not ended within 60 s
    /// (CI's parallel tests slow everything; the sleep it cuts short lasts 30 s).
    /// Run apart, so that a hang fails the test instead of stalling the suite.
    func ended(_ work: @escaping @Sendable () async throws -> Void) async -> (any Error)?? {
        let result = Mutex<(any Error)??>(nil)
        Task {
            do {
                try await work()
                result.withLock { $0 = .some(nil) }
            } catch {
                result.withLock { $0 = .some(error) }
            }
        }
        for _ in 0..<1_200 {
            if let done = result.withLock({ $0 }) { return done }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// Terminates the backend running `SELECT pg_sleep(30)` as soon as there is one (within 30 s).
    func terminateSleeper() {
        Task {
            try await TestDatabase.withRunningClient(url: try TestEnvironment.adminDatabaseURL) { admin in
                for _ in 0..<300 {
                    try await Task.sleep(for: .milliseconds(100))
                    let terminated = try await admin.query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%' AND pid <> pg_backend_pid()",
                        logger: testLogger
                    ).decode(Bool.self).reduce(into: [Bool]()) { $0.append($1) }
                    if terminated.contains(true) { return }
                }
            }
        }
    }

    @Test func a_transaction_fails_at_once_and_the_pool_still_serves() async throws {
        let database = try await TestDatabase.create(migrated: false)
        try await database.withClient { client in
            terminateSleeper()
            let result = await ended {
                try await client.transaction(logger: testLogger) { connection in
                    _ = try await connection.query("SELECT pg_sleep(30)", logger: testLogger)
                }
            }
            let error = try #require(result, "the transaction never ended")
            #expect(error != nil, "a terminated backend fails the transaction")
            let answer = try await client.query("SELECT 1", logger: testLogger).decode(Int.self).reduce(into: [Int]()) { $0.append($1) }
            #expect(answer == [1])
        }
        try await database.drop()
    }

    @Test func a_migration_fails_at_once_rather_than_never_ending() async throws {
        let database = try await TestDatabase.create(migrated: false)
        try await database.withClient { client in
            terminateSleeper()
            let result = await ended {
                _ = try await MigrationRunner(client: client, logger: testLogger).run([Migration(version: 1, name: "slow", sql: "SELECT pg_sleep(30);")])
            }
            let error = try #require(result, "the migrations never ended")
            #expect(error != nil, "a terminated backend fails the migration")
        }
        try await database.drop()
    }
}
