import Logging
import OptralisCore
import PostgresNIO

/// The PostgreSQL pool a service uses, with the bounded start-up check postgres-nio lacks:
/// a `PostgresClient` pointed at a wrong host waits forever instead of failing.
public struct Database: Sendable {
    public let client: PostgresClient
    public let url: DatabaseURL

    public init(url: DatabaseURL, maximumConnections: Int = 20, logger: Logger) {
        self.url = url
        self.client = PostgresClient(configuration: url.clientConfiguration(maximumConnections: maximumConnections), backgroundLogger: logger)
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
