import Foundation

/// The agent requirements, read at most every five minutes per replica (spec "Validation
/// Conformité OS", "Cache": a heartbeat must not cost a query for them).
actor RequirementsCache {
    private let load: @Sendable () async throws -> AgentCatalog.Requirements
    private let lifetime: Duration
    private var cached: (value: AgentCatalog.Requirements, until: ContinuousClock.Instant)?

    init(lifetime: Duration = .seconds(300), load: @escaping @Sendable () async throws -> AgentCatalog.Requirements) {
        self.lifetime = lifetime
        self.load = load
    }

    func current() async throws -> AgentCatalog.Requirements {
        if let cached, cached.until > .now { return cached.value }
        let value = try await load()
        cached = (value, .now + lifetime)
        return value
    }
}
