/// Fixed-window counters in this process's memory: what ``RateLimiter`` counts with while Redis
/// cannot answer, so a limit that guards passwords holds on each replica through an outage.
/// At most `capacity` keys: expired windows are dropped first, then the one closest to its end.
public actor LocalRateLimiter {
    public let capacity: Int
    private var windows: [String: Window] = [:]

    struct Window {
        var count: Int
        let endsAt: ContinuousClock.Instant
    }

    public init(capacity: Int = 10_000) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    public var keyCount: Int { windows.count }

    /// Counts one request; `.limited` once the window holds more than `limit`.
    public func check(key: String, limit: Int, window: Duration, now: ContinuousClock.Instant = .now) -> RateLimiter.Decision {
        var current = windows[key].flatMap { $0.endsAt > now ? $0 : nil } ?? Window(count: 0, endsAt: now + window)
        if windows[key] == nil { makeRoom(now: now) }
        current.count += 1
        windows[key] = current
        return current.count > limit ? .limited(retryAfterSeconds: Self.seconds(until: current.endsAt, from: now)) : .allowed
    }

    /// Gives back one request counted by ``check(key:limit:window:now:)``.
    public func release(key: String, now: ContinuousClock.Instant = .now) {
        guard var current = windows[key], current.endsAt > now, current.count > 0 else { return }
        current.count -= 1
        windows[key] = current
    }

    private func makeRoom(now: ContinuousClock.Instant) {
        guard windows.count >= capacity else { return }
        windows = windows.filter { $0.value.endsAt > now }
        if windows.count >= capacity, let soonest = windows.min(by: { $0.value.endsAt < $1.value.endsAt }) {
            windows[soonest.key] = nil
        }
    }

    static func seconds(until end: ContinuousClock.Instant, from now: ContinuousClock.Instant) -> Int {
        let left = now.duration(to: end).components
        return max(1, Int(left.seconds) + (left.attoseconds > 0 ? 1 : 0))
    }
}
