import Logging
import NIOPosix
import Synchronization

/// A pool of hiredis connections whose blocking calls run on a dedicated thread pool,
/// never on the event loops or the cooperative executor.
///
/// At most `maximumConnections` commands run at once (one per pool thread), so a caller that
/// parks in `BLMOVE` holds one thread: size the pool above the number of blocking consumers.
/// After a Redis restart the idle connections are stale; the first command on each notices,
/// reconnects and retries once, so callers see no error once Redis is back and the breaker
/// below has closed.
///
/// A circuit breaker keeps an unreachable Redis from costing every caller a timeout: the first
/// command that cannot connect or times out opens it, and from then on every command throws
/// `.connection` at once, as a connection error would, until a PING in the background (every
/// ``probeInterval``) answers and closes it.
public final class RedisClient: Sendable {
    public let url: RedisURL
    private let threadPool: NIOThreadPool
    private let idle = Mutex<[RedisConnection]>([])
    private let maximumConnections: Int
    private let timeoutMs: Int
    /// When the breaker opened and why; nil while it is closed.
    private let openSince = Mutex<(at: ContinuousClock.Instant, error: String)?>(nil)
    private let logger: Logger

    public static let probeInterval: Duration = .milliseconds(500)

    /// `timeout` bounds connecting and each command (a blocking command gets its block time on
    /// top). A timeout opens the breaker, so keep it well above Redis's normal latency.
    public init(url: RedisURL, maximumConnections: Int = 16, timeout: Duration = .seconds(2), logger: Logger) {
        self.url = url
        self.maximumConnections = maximumConnections
        self.timeoutMs = Self.milliseconds(timeout)
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

    /// False while the breaker is open: commands fail at once without reaching Redis.
    public var isAvailable: Bool { openSince.withLock { $0 == nil } }

    /// Runs any command. `blockingSeconds` is the server-side block time of a blocking command;
    /// `timeout` replaces the client's command timeout for this one command.
    @discardableResult
    public func command(_ arguments: [String], blockingSeconds: Double? = nil, timeout: Duration? = nil) async throws(RedisError) -> RedisValue {
        if let open = openSince.withLock({ $0 }) {
            throw .connection("redis unavailable, not retried until it answers a ping (\(open.error))")
        }
        let timeoutMs = blockingSeconds.map { Int($0 * 1000) + self.timeoutMs } ?? timeout.map(Self.milliseconds)
        do {
            return try await threadPool.runIfActive { [self] in
                try self.executeOnPoolThread(arguments, timeoutMs: timeoutMs)
            }
        } catch let error as RedisError {
            if case .connection(let message) = error { open(because: message) }
            throw error
        } catch {
            throw .shutdown
        }
    }

    @discardableResult
    public func command(_ arguments: String...) async throws(RedisError) -> RedisValue {
        try await command(arguments)
    }

    private func executeOnPoolThread(_ arguments: [String], timeoutMs: Int?) throws(RedisError) -> RedisValue {
        let reused = idle.withLock { $0.popLast() }
        let connection: RedisConnection
        if let reused { connection = reused } else { connection = try connect() }
        do {
            let value = try connection.execute(arguments, timeoutMs: timeoutMs)
            checkIn(connection)
            return value
        } catch .connection(let message) where reused != nil && !connection.timedOut {
            // A pooled connection went stale (Redis restarted while it sat idle); the command
            // never reached the new server, so one retry on a fresh connection is safe. Not
            // after a timeout: a server that hangs would cost the caller a second one.
            logger.debug("redis connection was stale, reconnecting", metadata: ["error": "\(message)"])
            let fresh = try connect()
            let value = try fresh.execute(arguments, timeoutMs: timeoutMs)
            checkIn(fresh)
            return value
        } catch {
            if connection.isOpen { checkIn(connection) }
            throw error
        }
    }

    private func connect(timeoutMs: Int? = nil) throws(RedisError) -> RedisConnection {
        try RedisConnection(url: url, connectTimeoutMs: timeoutMs ?? self.timeoutMs, commandTimeoutMs: self.timeoutMs)
    }

    private func checkIn(_ connection: RedisConnection) {
        let surplus: RedisConnection? = idle.withLock { connections in
            guard connections.count < maximumConnections else { return connection }
            connections.append(connection)
            return nil
        }
        surplus?.close()
    }

    private func open(because error: String) {
        let opened = openSince.withLock { state in
            guard state == nil else { return false }
            state = (ContinuousClock.now, error)
            return true
        }
        guard opened else { return }
        logger.warning("redis unavailable: commands fail fast until it answers a ping", metadata: ["redis": "\(url)", "error": "\(error)"])
        Task { await self.probeUntilAvailable() }
    }

    /// PINGs on a fresh connection every ``probeInterval`` (each attempt bounded by 500 ms at
    /// most) until Redis answers, then closes the breaker. Ends when the client shuts down.
    private func probeUntilAvailable() async {
        let probeTimeoutMs = min(timeoutMs, 500)
        while true {
            try? await Task.sleep(for: Self.probeInterval)
            let answered: RedisConnection?
            do {
                answered = try await threadPool.runIfActive { [self] () -> RedisConnection? in
                    do {
                        let connection = try connect(timeoutMs: probeTimeoutMs)
                        guard try connection.execute(["PING"], timeoutMs: probeTimeoutMs).string == "PONG" else { return nil }
                        return connection
                    } catch {
                        return nil
                    }
                }
            } catch {
                return // the client shut down
            }
            guard let answered else { continue }
            checkIn(answered)
            let downFor = openSince.withLock { state in
                defer { state = nil }
                return state.map { ContinuousClock.now - $0.at }
            }
            logger.info(
                "redis available again", metadata: ["redis": "\(url)", "down_ms": "\(downFor.map(Self.milliseconds) ?? 0)"])
            return
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration / .milliseconds(1))
    }
}
