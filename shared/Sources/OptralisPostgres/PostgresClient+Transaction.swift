import Logging
import PostgresNIO
import Synchronization

extension PostgresClient {
    /// A transaction on a connection of the pool (``PostgresConnection/transaction(logger:_:)``).
    public func transaction<T: Sendable>(logger: Logger, _ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { connection in
            try await connection.transaction(logger: logger, body)
        }
    }
}

extension PostgresConnection {
    /// `BEGIN`, the body, `COMMIT`; `ROLLBACK` when the body throws, and the body's own error
    /// comes out as itself, so a domain error thrown inside a transaction keeps its HTTP status
    /// (a 409 stays a 409).
    ///
    /// Not postgres-nio's `withTransaction`, which waits for its `ROLLBACK` whatever happens to
    /// the connection (``cleanUp(_:logger:)``).
    public func transaction<T: Sendable>(logger: Logger, _ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await query("BEGIN", logger: logger)
        let result: T
        do {
            result = try await body(self)
        } catch {
            await cleanUp("ROLLBACK", logger: logger)
            throw error
        }
        try await query("COMMIT", logger: logger)
        return result
    }

    /// Runs `statement` after a failure (`ROLLBACK`, an unlock), until it answers or the connection
    /// closes, whichever comes first; its own error is ignored.
    ///
    /// A query sent as a connection closes, or after, may never return (postgres-nio; its fix,
    /// vapor/postgres-nio#487, was reverted in #501). A backend terminated mid-transaction (a
    /// PostgreSQL restart, `pg_terminate_backend`) then left the task waiting forever with its pool
    /// connection, and an api migrating at its start never started nor stopped
    /// (`TerminatedBackendTests`). A closed session needs neither: the server rolled back and
    /// released its locks as the backend ended.
    public func cleanUp(_ statement: PostgresQuery, logger: Logger) async {
        if isClosed { return }
        let waiting = Mutex<CheckedContinuation<Void, Never>?>(nil)
        await withCheckedContinuation { continuation in
            waiting.withLock { $0 = continuation }
            let resume: @Sendable () -> Void = { waiting.withLock { $0.take() }?.resume() }
            closeFuture.whenComplete { _ in resume() }
            Task {
                _ = try? await self.query(statement, logger: logger)
                resume()
            }
        }
    }
}
