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
        try await queryUnlessClosed("BEGIN", logger: logger)
        let result: T
        do {
            result = try await body(self)
        } catch {
            await cleanUp("ROLLBACK", logger: logger)
            throw error
        }
        // BEGIN and COMMIT too: sent on a connection that closes meanwhile, they could wait forever.
        try await queryUnlessClosed("COMMIT", logger: logger)
        return result
    }

    /// Runs `statement` after a failure (`ROLLBACK`, an unlock), until it answers or the connection
    /// closes, whichever comes first; its own error is ignored. A closed session needs neither:
    /// the server rolled back and released its locks as the backend ended.
    public func cleanUp(_ statement: PostgresQuery, logger: Logger) async {
        try? await queryUnlessClosed(statement, logger: logger)
    }

    /// Runs `statement` and waits until it answers or the connection closes, whichever comes
    /// first; throws its error, or ``ClosedBeforeAnswer`` (whether it took effect is then unknown).
    ///
    /// A query sent as a connection closes, or after, may never return (postgres-nio; its fix,
    /// vapor/postgres-nio#487, was reverted in #501). A backend terminated mid-transaction (a
    /// PostgreSQL restart, `pg_terminate_backend`) then left the task waiting forever with its pool
    /// connection, and an api migrating at its start never started nor stopped
    /// (`TerminatedBackendTests`). The query's own task may stay behind, waiting; nothing else does.
    public func queryUnlessClosed(_ statement: PostgresQuery, logger: Logger) async throws {
        if isClosed { throw ClosedBeforeAnswer() }
        let waiting = Mutex<CheckedContinuation<Void, any Error>?>(nil)
        try await withCheckedThrowingContinuation { continuation in
            waiting.withLock { $0 = continuation }
            let finish: @Sendable (Result<Void, any Error>) -> Void = { result in waiting.withLock { $0.take() }?.resume(with: result) }
            let unwatch = CloseWatch.shared.watch(self) { finish(.failure(ClosedBeforeAnswer())) }
            Task {
                do {
                    _ = try await self.query(statement, logger: logger)
                    finish(.success(()))
                } catch {
                    finish(.failure(error))
                }
                unwatch()
            }
        }
    }
}

/// One callback on each connection's `closeFuture`, however many statements wait on it: a
/// callback per statement would stay registered for the life of a pool connection.
final class CloseWatch: Sendable {
    static let shared = CloseWatch()
    private struct State {
        var next: UInt64 = 0
        var waiters: [ObjectIdentifier: [UInt64: @Sendable () -> Void]] = [:]
    }
    private let state = Mutex(State())

    /// Calls `onClose` when `connection` closes, unless the returned function ran first.
    func watch(_ connection: PostgresConnection, _ onClose: @escaping @Sendable () -> Void) -> @Sendable () -> Void {
        let key = ObjectIdentifier(connection)
        let (id, first) = state.withLock { state -> (UInt64, Bool) in
            state.next += 1
            let first = state.waiters[key] == nil
            state.waiters[key, default: [:]][state.next] = onClose
            return (state.next, first)
        }
        if first {
            connection.closeFuture.whenComplete { _ in
                for waiter in (self.state.withLock { $0.waiters.removeValue(forKey: key) } ?? [:]).values { waiter() }
            }
        }
        return { self.state.withLock { _ = $0.waiters[key]?.removeValue(forKey: id) } }
    }
}

/// The PostgreSQL connection closed before the statement's answer came.
public struct ClosedBeforeAnswer: Error, CustomStringConvertible {
    public var description: String { "the PostgreSQL connection closed before the statement was answered" }
}
