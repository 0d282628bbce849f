import Synchronization

/// A value loaded at most once per `lifetime` and read under a lock, without a hop to an actor.
/// Callers that find it missing or stale while a load runs wait for that load instead of starting
/// their own: after a gateway restart the whole fleet's first heartbeats arrive together, and each
/// of them started the same query (a fifth of a second per heartbeat at 10,000 agents).
final class CachedValue<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var until: ContinuousClock.Instant?
        var loading: Task<Value, any Error>?
    }

    private enum Next {
        case known(Value)
        case wait(Task<Value, any Error>)
    }

    let lifetime: Duration
    private let state = Mutex(State())

    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    /// The value, loaded by `load` when it is missing or older than the lifetime. A failed load
    /// throws to every caller that waited for it and is tried again by the next one.
    func get(load: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let next: Next = state.withLock { state in
            if let value = state.value, let until = state.until, until > .now { return .known(value) }
            if let loading = state.loading { return .wait(loading) }
            // The task takes the lock to record its result, so it cannot finish before `loading` is set.
            let loading = Task {
                do {
                    let value = try await load()
                    self.state.withLock { $0 = State(value: value, until: .now + self.lifetime, loading: nil) }
                    return value
                } catch {
                    self.state.withLock { $0.loading = nil }
                    throw error
                }
            }
            state.loading = loading
            return .wait(loading)
        }
        switch next {
        case .known(let value): return value
        case .wait(let loading): return try await loading.value
        }
    }

    /// The last value loaded, however old; nil before the first load succeeded.
    var last: Value? { state.withLock(\.value) }
}
