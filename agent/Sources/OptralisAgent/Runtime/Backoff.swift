/// Full-jitter exponential backoff: a random wait up to 0.5 s × 2^(attempt−1), capped at 30 s,
/// so thousands of agents coming back after a gateway restart spread their reconnects.
public struct Backoff: Sendable {
    public var base = 0.5
    public var cap = 30.0
    public private(set) var attempt = 0

    public init() {}

    public mutating func nextDelay() -> Duration {
        attempt += 1
        let ceiling = min(cap, base * Double(1 << min(attempt - 1, 16)))
        return .milliseconds(Int64(Double.random(in: 0...ceiling) * 1000))
    }

    public mutating func reset() { attempt = 0 }
}
