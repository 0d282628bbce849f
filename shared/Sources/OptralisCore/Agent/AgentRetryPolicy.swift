/// How an agent waits before it tries the gateway again, shared by the agent and the ingest
/// benchmark's simulated fleet so the benchmark measures the agent's own behaviour.
///
/// - Unreachable (no HTTP answer: connection refused or reset, a TLS handshake the gateway
///   closed because it is over its handshake limit, a timeout): full-jitter exponential backoff
///   from 0.5 s, capped at the *reconnect window*, so every agent is back within about one window
///   of the gateway listening again, spread evenly over it. The gateway sizes the window to its
///   fleet (`reconnect_window_seconds` in the heartbeat's reply); until an agent has heard it,
///   ``defaultReconnectWindow``.
/// - Shedding (an HTTP 503 or 429, the gateway up but asking to wait): its `Retry-After`, bounded
///   to ``retryAfterRange``, plus up to half of it again at random; without one, as "other".
/// - Other failures (a 5xx, a refused certificate): full-jitter exponential backoff capped at
///   ``cap``, 30 s.
public struct AgentRetryPolicy: Sendable {
    public enum Failure: Sendable, Equatable {
        case unreachable
        case shedding(retryAfter: Int?)
        case other
    }

    /// Until the gateway says otherwise (an older gateway never does).
    public static let defaultReconnectWindow = 5
    /// What an agent accepts as a reconnect window, seconds.
    public static let reconnectWindowRange = 1...120
    /// What an agent accepts of a `Retry-After`, seconds.
    public static let retryAfterRange = 1...300

    public var base = 0.5
    public var cap = 30.0
    /// Seconds; the cap of the backoff while the gateway is unreachable.
    public private(set) var reconnectWindow = Double(defaultReconnectWindow)
    public private(set) var attempt = 0

    public init() {}

    /// The gateway's hint, brought within ``reconnectWindowRange``.
    public mutating func setReconnectWindow(seconds: Int) {
        reconnectWindow = Double(min(max(seconds, Self.reconnectWindowRange.lowerBound), Self.reconnectWindowRange.upperBound))
    }

    public mutating func nextDelay(after failure: Failure) -> Duration {
        attempt += 1
        switch failure {
        case .unreachable:
            return fullJitter(cap: min(cap, reconnectWindow))
        case .shedding(let retryAfter?):
            let seconds = Double(min(max(retryAfter, Self.retryAfterRange.lowerBound), Self.retryAfterRange.upperBound))
            return .milliseconds(Int64((seconds + Double.random(in: 0...seconds / 2)) * 1000))
        case .shedding(nil), .other:
            return fullJitter(cap: cap)
        }
    }

    public mutating func reset() { attempt = 0 }

    private func fullJitter(cap: Double) -> Duration {
        let ceiling = min(cap, base * Double(1 << min(attempt - 1, 16)))
        return .milliseconds(Int64(Double.random(in: 0...ceiling) * 1000))
    }

    /// A `Retry-After` header's delay in seconds (`delta-seconds` only; an HTTP date or anything
    /// else gives nil, and the plain backoff applies). Bounded where it is read.
    public static func retryAfter(_ header: String?) -> Int? {
        guard let header, let seconds = Int(header.filter { $0 != " " && $0 != "\t" }), seconds >= 0 else { return nil }
        return min(max(seconds, retryAfterRange.lowerBound), retryAfterRange.upperBound)
    }
}
