import Logging
import OptralisCore
import OptralisPostgres
import OptralisRedis

/// One dependency probed by `GET /health`: a name, whether the service can work without it,
/// and a probe returning the round-trip time (or throwing when the dependency is down).
public struct HealthCheck: Sendable {
    public let name: String
    public let required: Bool
    let probe: (@Sendable () async throws -> Duration)?
    let counts: (@Sendable () async -> [String: Int])?
    let warning: (@Sendable () async -> String?)?

    /// `counts` adds figures to the entry (a queue's backlog), read after a successful probe.
    public init(
        name: String, required: Bool, probe: @escaping @Sendable () async throws -> Duration,
        counts: (@Sendable () async -> [String: Int])? = nil, warning: (@Sendable () async -> String?)? = nil
    ) {
        self.name = name
        self.required = required
        self.probe = probe
        self.counts = counts
        self.warning = warning
    }

    private init(disabled name: String) {
        self.name = name
        self.required = false
        self.probe = nil
        self.counts = nil
        self.warning = nil
    }

    /// A dependency this process is not configured to use: shown as `disabled`, never down.
    public static func disabled(_ name: String) -> HealthCheck {
        HealthCheck(disabled: name)
    }

    public static func postgres(_ database: Database, logger: Logger) -> HealthCheck {
        HealthCheck(name: "postgres", required: true) { try await database.ping(logger: logger) }
    }

    /// Redis; `required: false` on the api, which keeps serving without it. Nil client: disabled.
    /// A hung Redis is reported down within 500 ms (and its breaker opens, see ``RedisClient``).
    /// Up with a `warning` when Redis may evict keys: an evicted token-blacklist entry reads as
    /// "not revoked", an evicted rate-limit counter restarts at zero, an evicted queue loses jobs.
    public static func redis(_ client: RedisClient?, required: Bool) -> HealthCheck {
        guard let client else { return HealthCheck(disabled: "redis") }
        return HealthCheck(
            name: "redis", required: required, probe: { try await client.ping(timeout: .milliseconds(500)) },
            warning: {
                guard let policy = try? await client.evictionPolicy(timeout: .milliseconds(500)) else {
                    return "maxmemory-policy unreadable (CONFIG GET refused): make sure it is noeviction"
                }
                return policy == "noeviction"
                    ? nil : "maxmemory-policy is \(policy): Redis may evict revoked tokens, rate-limit counters and queued jobs; set noeviction"
            })
    }

    func run() async -> DependencyHealth {
        guard let probe else { return DependencyHealth(status: .disabled, required: required) }
        do {
            let latency = try await probe()
            var health = DependencyHealth(
                status: .up, required: required, latencyMs: (latency.fractionalMilliseconds * 10).rounded() / 10, counts: await counts?())
            health.warning = await warning?()
            return health
        } catch {
            return DependencyHealth(status: .down, required: required, error: String(describing: error))
        }
    }
}

/// Runs the checks concurrently and sums them up in a ``HealthReport``.
public struct HealthReporter: Sendable {
    public let service: String
    public let checks: [HealthCheck]
    private let startedAt = ContinuousClock.now

    public init(service: String, checks: [HealthCheck]) {
        self.service = service
        self.checks = checks
    }

    public func report() async -> HealthReport {
        let results = await withTaskGroup(of: (String, DependencyHealth).self) { group in
            for check in checks {
                group.addTask { (check.name, await check.run()) }
            }
            var results: [String: DependencyHealth] = [:]
            for await (name, health) in group { results[name] = health }
            return results
        }
        let status: HealthReport.Status =
            if results.values.contains(where: { $0.required && $0.status == .down }) {
                .down
            } else if results.values.contains(where: { $0.status == .down }) {
                .degraded
            } else {
                .ok
            }
        return HealthReport(
            status: status, service: service, version: OptralisVersion.current,
            uptimeSeconds: Int((ContinuousClock.now - startedAt).components.seconds), checks: results)
    }
}
