/// The agent requirements, read at most every five minutes per replica (spec "Validation
/// Conformité OS", "Cache": a heartbeat must not cost a query for them).
struct RequirementsCache: Sendable {
    private let load: @Sendable () async throws -> AgentCatalog.Requirements
    private let cached: CachedValue<AgentCatalog.Requirements>

    init(lifetime: Duration = .seconds(300), load: @escaping @Sendable () async throws -> AgentCatalog.Requirements) {
        self.load = load
        cached = CachedValue(lifetime: lifetime)
    }

    func current() async throws -> AgentCatalog.Requirements {
        try await cached.get(load: load)
    }
}
