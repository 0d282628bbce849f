import Logging
import NIOPosix
import Synchronization

/// A pool of hiredis connections whose blocking calls run on a dedicated thread pool,
/// never on the event loops or the cooperative executor.
///
/// At most `maximumConnections` commands run at once (one per pool thread), so a caller that
/// parks in `BLMOVE` holds one thread: size the pool above the number of blocking consumers.
/// After a Redis restart the idle connections are stale; the first command on each notices,
/// reconnects and retries once, so callers see no error once Redis is back.
public final class RedisClient: Sendable {
    public let url: RedisURL
    private let threadPool: NIOThreadPool
    private let idle = Mutex<[RedisConnection]>([])
    private let maximumConnections: Int
    private let logger: Logger

    public init(url: RedisURL, maximumConnections: Int = 16, logger: Logger) {
        self.url = url
        self.maximumConnections = maximumConnections
        self.logger = logger
        self.threadPool = NIOThreadPool(numberOfThreads: maximumConnections)
        threadPool.start()
    }

    /// Closes every connection and stops the pool threads; later commands throw `.shutdown`.
    public func shutdown() async {
        try? await threadPool.shutdownGracefully()
        idle.withLock { connections in
            connections.forEach { $0.close() }
            connections.removeAll()
        }
    }

    /// Runs any command. `blockingSeconds` is the server-side block time of a blocking command.
    @discardableResult
    public func command(_ arguments: [String], blockingSeconds: Double? = nil) async throws(RedisError) -> RedisValue {
        do {
            return try await threadPool.runIfActive { [self] in
                try self.executeOnPoolThread(arguments, blockingSeconds: blockingSeconds)
            }
        } catch let error as RedisError {
            throw error
        } catch {
            throw .shutdown
        }
    }

    @discardableResult
    public func command(_ arguments: String...) async throws(RedisError) -> RedisValue {
        try await command(arguments)
    }

    private func executeOnPoolThread(_ arguments: [String], blockingSeconds: Double?) throws(RedisError) -> RedisValue {
        let reused = idle.withLock { $0.popLast() }
        let connection: RedisConnection
        if let reused { connection = reused } else { connection = try RedisConnection(url: url) }
        do {
            let value = try connection.execute(arguments, blockingSeconds: blockingSeconds)
            checkIn(connection)
            return value
        } catch .connection(let message) where reused != nil {
            // A pooled connection went stale (Redis restarted while it sat idle); the command
            // never reached the new server, so one retry on a fresh connection is safe.
            logger.debug("redis connection was stale, reconnecting", metadata: ["error": "\(message)"])
            let fresh = try RedisConnection(url: url)
            let value = try fresh.execute(arguments, blockingSeconds: blockingSeconds)
            checkIn(fresh)
            return value
        } catch {
            if connection.isOpen { checkIn(connection) }
            throw error
        }
    }

    private func checkIn(_ connection: RedisConnection) {
        let surplus: RedisConnection? = idle.withLock { connections in
            guard connections.count < maximumConnections else { return connection }
            connections.append(connection)
            return nil
        }
        surplus?.close()
    }
}
