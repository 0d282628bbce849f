/// The body of `GET /health` on every service.
public struct HealthReport: Codable, Sendable, Equatable {
    /// `ok` when every dependency is up, `degraded` when an optional one is down,
    /// `down` when a required one is (the response is then 503).
    public var status: Status
    public var service: String
    public var version: String
    public var uptimeSeconds: Int
    public var checks: [String: DependencyHealth]

    public enum Status: String, Codable, Sendable {
        case ok, degraded, down
    }

    public init(status: Status, service: String, version: String, uptimeSeconds: Int, checks: [String: DependencyHealth]) {
        self.status = status
        self.service = service
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.checks = checks
    }

    enum CodingKeys: String, CodingKey {
        case status, service, version, checks
        case uptimeSeconds = "uptime_seconds"
    }
}

/// The state of one dependency (PostgreSQL, Redis, another service) as a health check saw it.
public struct DependencyHealth: Codable, Sendable, Equatable {
    public var status: Status
    public var required: Bool
    public var latencyMs: Double?
    public var error: String?
    /// Figures the check reports besides up/down (a queue's pending, delayed, dead-letter jobs).
    public var counts: [String: Int]?
    /// Up, but configured in a way that loses data (Redis evicting keys).
    public var warning: String?

    public enum Status: String, Codable, Sendable {
        case up, down
        /// Not configured for this process (Redis without `REDIS_URL` on the api, say).
        case disabled
    }

    public init(status: Status, required: Bool, latencyMs: Double? = nil, error: String? = nil, counts: [String: Int]? = nil) {
        self.status = status
        self.required = required
        self.latencyMs = latencyMs
        self.error = error
        self.counts = counts
    }

    enum CodingKeys: String, CodingKey {
        case status, required, error, counts, warning
        case latencyMs = "latency_ms"
    }
}
