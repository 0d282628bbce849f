import Synchronization

/// Sleeps that share one timer. ``DependencyOutageMiddleware`` starts a watchdog per request
/// that is almost always cancelled before it fires; with `Task.sleep` each one registered and
/// cancelled a libdispatch timer: under 10,000 agents the dispatch manager thread alone took 5 %
/// of the api's time, plus the wake-ups of the threads it woke (docs/ingestion.md). Here a
/// sleep is an entry in a table that one task, ticking every ``resolution`` while any entry is
/// waiting, resumes once due: a sleep lasts up to ``resolution`` longer than asked.
final class DeadlineTimer: Sendable {
    static let shared = DeadlineTimer()
    static let resolution = Duration.milliseconds(50)

    private struct Sleeper {
        let until: ContinuousClock.Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var nextID = 0
        var sleepers: [Int: Sleeper] = [:]
        var ticking = false
    }

    private let state = Mutex(State())

    /// Sleeps not ended yet.
    var pending: Int { state.withLock { $0.sleepers.count } }

    /// Like `Task.sleep(for:)`: throws `CancellationError` when the task is cancelled first.
    func sleep(for duration: Duration) async throws {
        let until = ContinuousClock.now + duration
        let id = state.withLock { state in
            defer { state.nextID &+= 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let start = state.withLock { state -> Bool? in
                    // Checked under the lock the cancellation handler takes: either the handler
                    // runs after this entry is in the table, or the task is already cancelled here.
                    if Task.isCancelled { return nil }
                    state.sleepers[id] = Sleeper(until: until, continuation: continuation)
                    defer { state.ticking = true }
                    return !state.ticking
                }
                switch start {
                case nil: continuation.resume(throwing: CancellationError())
                case true?: Task.detached { await self.tick() }
                case false?: break
                }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Resumes the sleepers that are due, every ``resolution``, until none is left.
    private func tick() async {
        while true {
            try? await Task.sleep(for: Self.resolution)
            let now = ContinuousClock.now
            let (due, more) = state.withLock { state in
                let due = state.sleepers.filter { $0.value.until <= now }
                for id in due.keys { state.sleepers.removeValue(forKey: id) }
                // Stopped under the lock: the next sleeper starts a new ticking task.
                state.ticking = !state.sleepers.isEmpty
                return (due.values, state.ticking)
            }
            for sleeper in due { sleeper.continuation.resume() }
            if !more { return }
        }
    }
}
