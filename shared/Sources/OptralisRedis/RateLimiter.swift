import Logging

/// Fixed-window rate limits in Redis: `limit` requests per `windowSeconds` per key. One atomic
/// script increments the counter, starts its expiry on the first hit and returns the time left.
/// With Redis down (or not configured) the `fallback` counts in this process instead; without
/// one the limiter fails open (the request goes through) and says so in the log.
public struct RateLimiter: Sendable {
    public let redis: RedisClient?
    public let limit: Int
    public let windowSeconds: Int
    public let logger: Logger
    public let fallback: LocalRateLimiter?

    public init(redis: RedisClient?, limit: Int, windowSeconds: Int, logger: Logger, fallback: LocalRateLimiter? = nil) {
        self.redis = redis
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.logger = logger
        self.fallback = fallback
    }

    public enum Decision: Equatable, Sendable {
        case allowed
        case limited(retryAfterSeconds: Int)
    }

    private static let script = """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
        local ttl = redis.call('TTL', KEYS[1])
        if ttl < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
        return {count, ttl}
        """

    /// Gives one request back, only while its window lasts.
    private static let releaseScript = """
        if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
        return 0
        """

    public func check(scope: String, key: String) async -> Decision {
        let name = "ratelimit:\(scope):\(key)"
        guard let redis else { return await counted(locally: name) }
        do {
            let reply = try await redis.command(["EVAL", Self.script, "1", name, String(windowSeconds)])
            guard let values = reply.array, values.count == 2, let count = values[0].integer, let ttl = values[1].integer else {
                return .allowed
            }
            return count > limit ? .limited(retryAfterSeconds: max(1, Int(ttl))) : .allowed
        } catch {
            let outcome = fallback == nil ? "rate limit not enforced" : "rate limit counted by this replica alone"
            logger.warning("\(outcome): Redis unavailable", metadata: ["scope": "\(scope)", "error": "\(error)"])
            return await counted(locally: name)
        }
    }

    /// Gives back a request ``check(scope:key:)`` counted: for limits that count failures only,
    /// a request is counted before it runs (parallel guesses cannot overtake the count) and
    /// given back when it succeeds.
    public func release(scope: String, key: String) async {
        let name = "ratelimit:\(scope):\(key)"
        if let redis, (try? await redis.command(["EVAL", Self.releaseScript, "1", name])) != nil { return }
        await fallback?.release(key: name)
    }

    private func counted(locally name: String) async -> Decision {
        guard let fallback else { return .allowed }
        return await fallback.check(key: name, limit: limit, window: .seconds(windowSeconds))
    }
}
