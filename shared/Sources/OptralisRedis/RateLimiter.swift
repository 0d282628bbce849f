import Logging

/// Fixed-window rate limits in Redis: `limit` requests per `windowSeconds` per key. One atomic
/// script increments the counter, starts its expiry on the first hit and returns the time left.
/// With Redis down the limiter fails open (the request goes through) and says so in the log.
public struct RateLimiter: Sendable {
    public let redis: RedisClient?
    public let limit: Int
    public let windowSeconds: Int
    public let logger: Logger

    public init(redis: RedisClient?, limit: Int, windowSeconds: Int, logger: Logger) {
        self.redis = redis
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.logger = logger
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

    public func check(scope: String, key: String) async -> Decision {
        guard let redis else { return .allowed }
        do {
            let reply = try await redis.command(["EVAL", Self.script, "1", "ratelimit:\(scope):\(key)", String(windowSeconds)])
            guard let values = reply.array, values.count == 2, let count = values[0].integer, let ttl = values[1].integer else {
                return .allowed
            }
            return count > limit ? .limited(retryAfterSeconds: max(1, Int(ttl))) : .allowed
        } catch {
            logger.warning("rate limit not enforced: Redis unavailable", metadata: ["scope": "\(scope)", "error": "\(error)"])
            return .allowed
        }
    }
}
