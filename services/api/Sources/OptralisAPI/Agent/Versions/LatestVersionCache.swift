import Synchronization

/// The newest version per channel, platform and architecture, kept in this replica for
/// ``lifetime`` in front of Redis's `agent:version:…` entries: every heartbeat (a sixth of the
/// agents' requests) read it from Redis, a round trip through hiredis's thread pool each. Cleared
/// with those entries when a version is published or changed on this replica
/// (``FleetCache/invalidateAgentVersions()``); another replica sees the change within
/// ``lifetime``, and agents at their next heartbeat anyway.
final class LatestVersionCache: Sendable {
    struct Key: Hashable, Sendable {
        let channel: String
        let platform: String
        let architecture: String
    }

    static let lifetime: Duration = .seconds(30)

    private struct State {
        var entries: [Key: (version: AgentCatalog.Version?, until: ContinuousClock.Instant)] = [:]
        /// Raised by ``removeAll()``: a read that began before it stores nothing.
        var generation = 0
    }

    private let state = Mutex(State())

    func version(_ key: Key, load: () async throws -> AgentCatalog.Version?) async throws -> AgentCatalog.Version? {
        let now = ContinuousClock.now
        let (cached, generation) = state.withLock { ($0.entries[key], $0.generation) }
        if let cached, cached.until > now { return cached.version }
        let version = try await load()
        state.withLock { state in
            if state.generation == generation { state.entries[key] = (version, now + Self.lifetime) }
        }
        return version
    }

    func removeAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.generation += 1
        }
    }
}
