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
///
/// The work sleeps far longer than the test waits, so it can only end by failing. The clock
/// that must not run out starts when the backend is terminated, not when the test starts: under
/// CI's parallel tests, the sleep itself once began more than 30 s after the test did.
@Suite("A backend terminated mid-transaction")
struct TerminatedBackendTests {
    /// A sleep no other test runs: the terminator looks for its token.
    static func sleeper() -> (statement: String, token: String) {
        let token = "terminated-backend-\(UUID().uuidString)"
        return ("SELECT pg_sleep(600), '\(token)'", token)
    }

    /// Runs `work`, terminates the backend whose statement holds `token` as soon as there is one
    /// (within 120 s), then gives `work` 30 s to end. `work`'s error, `.some(nil)` when it returned.
    func endOnceTerminated(_ token: String, _ work: @escaping @Sendable () async throws -> Void) async throws -> (any Error)? {
        let result = Mutex<(any Error)??>(nil)
        Task {
            do {
                try await work()
                result.withLock { $0 = .some(nil) }
            } catch {
                result.withLock { $0 = .some(error) }
            }
        }
        let terminated = try await TestDatabase.withRunningClient(url: try TestEnvironment.adminDatabaseURL) { admin in
            for _ in 0..<1_200 {
                let ended = try await admin.query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE strpos(query, \(token)) > 0 AND pid <> pg_backend_pid()",
                    logger: testLogger
                ).decode(Bool.self).reduce(into: [Bool]()) { $0.append($1) }
                if ended.contains(true) { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        try #require(terminated, "the statement never started: \(String(describing: result.withLock { $0 }))")
        for _ in 0..<600 {
            if let done = result.withLock({ $0 }) { return done }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("it did not end within 30 s of its backend being terminated")
        return nil
    }

    /// A transaction running the sleep, its rows read to the end or not; its error, and whether
    /// the pool still answers afterwards.
    func terminatedTransaction(readingRows: Bool) async throws -> (error: (any Error)?, poolServes: Bool) {
        let database = try await TestDatabase.create(migrated: false)
        let outcome = try await database.withClient { client in
            let (statement, token) = Self.sleeper()
            let error = try await endOnceTerminated(token) {
                try await client.transaction(logger: testLogger) { connection in
                    let rows = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: testLogger)
                    if readingRows { for try await _ in rows {} }
                }
            }
            let answer = try await client.query("SELECT 1", logger: testLogger).decode(Int.self).reduce(into: [Int]()) { $0.append($1) }
            return (error, answer == [1])
        }
        try await database.drop()
        return outcome
    }

    @Test func a_transaction_fails_at_once_and_the_pool_still_serves() async throws {
        let (error, poolServes) = try await terminatedTransaction(readingRows: true)
        #expect(error != nil, "a terminated backend fails the transaction")
        #expect(poolServes)
    }

    /// The body returns as soon as the statement has started (its rows unread), so the `COMMIT`
    /// waits behind it when the backend ends; it never returned in 3 runs of 7 on a loaded machine.
    @Test func a_commit_waiting_behind_a_running_statement_fails_at_once() async throws {
        let (error, poolServes) = try await terminatedTransaction(readingRows: false)
        #expect(error != nil, "a terminated backend fails the commit")
        #expect(poolServes)
    }

    @Test func a_migration_fails_at_once_rather_than_never_ending() async throws {
        let database = try await TestDatabase.create(migrated: false)
        try await database.withClient { client in
            let (statement, token) = Self.sleeper()
            let error = try await endOnceTerminated(token) {
                _ = try await MigrationRunner(client: client, logger: testLogger).run([Migration(version: 1, name: "slow", sql: statement + ";")])
            }
            #expect(error != nil, "a terminated backend fails the migration")
        }
        try await database.drop()
    }
}
