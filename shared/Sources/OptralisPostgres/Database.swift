import Logging
import NIOPosix
import OptralisCore
import PostgresNIO
import Synchronization
import _ConnectionPoolModule

/// The PostgreSQL pool a service uses, with the bounded start-up check postgres-nio lacks:
/// a `PostgresClient` pointed at a wrong host waits forever instead of failing.
public struct Database: Sendable {
    public let client: PostgresClient
    public let url: DatabaseURL
    private let reachability: Reachability

    /// `eventLoopGroup`: where the pool's connections and ``isReachable()``'s probe do their I/O
    /// (NIO's shared group unless a service keeps its database traffic apart from its own
    /// sockets, as the api does).
    public init(
        url: DatabaseURL, maximumConnections: Int = 20, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.url = url
        self.client = PostgresClient(
            configuration: url.clientConfiguration(maximumConnections: maximumConnections), eventLoopGroup: eventLoopGroup, backgroundLogger: logger)
        self.reachability = Reachability(configuration: url.connectionConfiguration(), eventLoopGroup: eventLoopGroup, logger: logger)
    }

    /// Whether PostgreSQL accepts a new connection, opened outside the pool (which, once it
    /// fails to connect, queues requests for up to a minute before failing them) and closed at
    /// once. Bounded by one second; a result is reused for a second, and concurrent callers
    /// share one attempt.
    public func isReachable() async -> Bool {
        await reachability.check()
    }

    /// True when the last ``isReachable()`` within ten seconds found PostgreSQL down.
    public var wasRecentlyUnreachable: Bool { reachability.wasRecentlyUnreachable }

    /// Whether `error` says PostgreSQL cannot be reached, is shutting down or starting, or
    /// refuses connections: a dependency outage, never an error in a query or its data.
    public static func isUnavailable(_ error: any Error) -> Bool {
        if error is ConnectionPoolError { return true }
        if error is DatabaseUnreachable { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .poolClosed:
            return true
        case .server:
            // 08: connection exception; 57P01-03: admin shutdown, crash shutdown, cannot connect
            // now (starting up, shutting down, in recovery); 53300: too many connections.
            guard let state = error.serverInfo?[.sqlState] else { return false }
            return state.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(state)
        default:
            return false
        }
    }

    /// Runs `SELECT 1` until it answers or `timeout` passes. The client's `run()` must be running.
    public func waitUntilReachable(timeout: Duration = .seconds(15), logger: Logger) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var lastError: (any Error)?
        while clock.now < deadline {
            do {
                _ = try await ping(timeout: min(.seconds(5), deadline - clock.now), logger: logger)
                return
            } catch {
                lastError = error
                logger.warning("postgres not reachable yet", metadata: ["error": "\(String(reflecting: error))"])
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        throw DatabaseUnreachable(url: url, timeout: timeout, underlying: lastError)
    }

    /// One `SELECT 1` with a time limit; returns its latency. Used by start-up and `/health`.
    public func ping(timeout: Duration = .seconds(2), logger: Logger) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await client.query("SELECT 1", logger: logger)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw PingTimeout()
            }
            defer { group.cancelAll() }
            try await group.next()
        }
        return clock.now - start
    }
}

struct PingTimeout: Error, CustomStringConvertible {
    var description: String { "timed out" }
}

public struct DatabaseUnreachable: Error, CustomStringConvertible {
    public let url: DatabaseURL
    public let timeout: Duration
    public let underlying: (any Error)?

    public var description: String {
        "PostgreSQL at \(url) not reachable within \(timeout): \(underlying.map { String(reflecting: $0) } ?? "no answer")"
    }
}

/// The state behind ``Database/isReachable()``.
final class Reachability: Sendable {
    private struct State {
        var reachable = true
        var checkedAt: ContinuousClock.Instant?
        var running: Task<Bool, Never>?
    }

    private let configuration: PostgresConnection.Configuration?
    /// The pool's own group: a probe on busier event loops could time out while PostgreSQL is up.
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let state = Mutex(State())

    init(configuration: PostgresConnection.Configuration?, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    var wasRecentlyUnreachable: Bool {
        state.withLock { state in
            !state.reachable && state.checkedAt.map { ContinuousClock.now - $0 < .seconds(10) } == true
        }
    }

    func check() async -> Bool {
        enum Next { case known(Bool), wait(Task<Bool, Never>) }
        let next: Next = state.withLock { state in
            if let running = state.running { return .wait(running) }
            if let checkedAt = state.checkedAt, ContinuousClock.now - checkedAt < .seconds(1) { return .known(state.reachable) }
            // The task takes the lock to record its result, so it cannot finish before `running` is set.
            let attempt = Task {
                let reachable = await self.connect(timeout: .seconds(1))
                self.state.withLock { $0 = State(reachable: reachable, checkedAt: .now, running: nil) }
                return reachable
            }
            state.running = attempt
            return .wait(attempt)
        }
        switch next {
        case .known(let reachable): return reachable
        case .wait(let attempt): return await attempt.value
        }
    }

    /// Opens and closes one connection; false when it fails or takes longer than `timeout`.
    /// The attempt itself cannot be cancelled: one that answers late is closed then.
    private func connect(timeout: Duration) async -> Bool {
        guard let configuration else { return true }
        let eventLoop = eventLoopGroup.any()
        let attempt: EventLoopFuture<PostgresConnection> = PostgresConnection.connect(
            on: eventLoop, configuration: configuration, id: 0, logger: logger)
        return await withCheckedContinuation { continuation in
            let answer = Once(continuation)
            @Sendable func finish(_ reachable: Bool) { answer.resume(returning: reachable) }
            let timer = eventLoop.scheduleTask(in: .milliseconds(Int64(timeout / .milliseconds(1)))) { finish(false) }
            attempt.whenComplete { result in
                timer.cancel()
                if case .success(let connection) = result { let _: EventLoopFuture<Void> = connection.close() }
                finish((try? result.get()) != nil)
            }
        }
    }
}

/// A continuation resumed by whichever of two callbacks comes first.
private final class Once: Sendable {
    private let waiting: Mutex<CheckedContinuation<Bool, Never>?>

    init(_ continuation: CheckedContinuation<Bool, Never>) {
        waiting = Mutex(continuation)
    }

    func resume(returning value: Bool) {
        waiting.withLock { waiting in
            waiting?.resume(returning: value)
            waiting = nil
        }
    }
}
