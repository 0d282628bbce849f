import Foundation

/// A Redis list used as a work queue that loses nothing (the notifier's queues).
///
/// Keys, for a queue `Q`:
/// - `Q`: pending jobs; producers `LPUSH`, consumers take from the right.
/// - `Q:processing:<consumer>`: what one consumer holds. `BLMOVE` moves a job there atomically;
///   it leaves only when acknowledged, re-scheduled or dead-lettered.
/// - `Q:delayed`: jobs waiting for a retry, in a sorted set scored by due time (ms).
/// - `Q:dead`: jobs out of retries.
/// - `Q:heartbeat:<consumer>`: set with a short expiry while the consumer lives. A consumer whose
///   heartbeat expired died: any other consumer moves its processing list back to `Q`.
/// - `Q:done:<job id>`: set when a job was delivered, so a job recovered from a dead consumer
///   after its delivery completed is acknowledged without being sent again.
public struct ReliableQueue: Sendable {
    public let name: String
    private let redis: RedisClient

    public init(name: String, redis: RedisClient) {
        self.name = name
        self.redis = redis
    }

    public var delayedKey: String { "\(name):delayed" }
    public var deadKey: String { "\(name):dead" }
    public func processingKey(_ consumer: String) -> String { "\(name):processing:\(consumer)" }
    public func heartbeatKey(_ consumer: String) -> String { "\(name):heartbeat:\(consumer)" }
    public func doneKey(_ jobID: String) -> String { "\(name):done:\(jobID)" }

    public func enqueue(_ payload: String) async throws(RedisError) {
        try await redis.leftPush(name, payload)
    }

    /// Waits up to `timeoutSeconds` for a job and moves it to the consumer's processing list.
    public func take(consumer: String, timeoutSeconds: Double) async throws(RedisError) -> String? {
        try await redis.blockingMove(from: name, to: processingKey(consumer), timeoutSeconds: timeoutSeconds)
    }

    /// Marks a job delivered (kept `doneTTL` seconds) and drops it from the processing list, atomically.
    public func acknowledge(_ payload: String, jobID: String, consumer: String, doneTTL: Int = 7 * 24 * 3600) async throws(RedisError) {
        try await redis.command([
            "EVAL", "redis.call('SET', KEYS[2], '1', 'EX', ARGV[2]); return redis.call('LREM', KEYS[1], 1, ARGV[1])",
            "2", processingKey(consumer), doneKey(jobID), payload, String(doneTTL),
        ])
    }

    public func wasDelivered(jobID: String) async throws(RedisError) -> Bool {
        try await redis.get(doneKey(jobID)) != nil
    }

    /// Replaces a held job by its next attempt, due at `dueAt`, atomically.
    public func retry(_ payload: String, as next: String, dueAt: Date, consumer: String) async throws(RedisError) {
        try await redis.command([
            "EVAL", "redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2]); return redis.call('LREM', KEYS[1], 1, ARGV[1])",
            "2", processingKey(consumer), delayedKey, payload, next, String(Int64(dueAt.timeIntervalSince1970 * 1000)),
        ])
    }

    /// Moves a held job to the dead-letter list, atomically.
    public func bury(_ payload: String, as final: String, consumer: String) async throws(RedisError) {
        try await redis.command([
            "EVAL", "redis.call('LPUSH', KEYS[2], ARGV[2]); return redis.call('LREM', KEYS[1], 1, ARGV[1])",
            "2", processingKey(consumer), deadKey, payload, final,
        ])
    }

    /// Gives a held job back, unchanged and next in line, atomically: a delivery interrupted by
    /// a shutdown is not an attempt.
    public func release(_ payload: String, consumer: String) async throws(RedisError) {
        try await redis.command([
            "EVAL", "if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then redis.call('RPUSH', KEYS[2], ARGV[1]) end return 0",
            "2", processingKey(consumer), name, payload,
        ])
    }

    /// Gives back everything `consumer`'s processing list holds: a replica that restarts under
    /// the same name holds nothing yet, so what its list has was its previous life's.
    @discardableResult
    public func releaseAll(consumer: String) async throws(RedisError) -> Int {
        let script = """
            local moved = 0
            while redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT') do moved = moved + 1 end
            return moved
            """
        let reply = try await redis.command(["EVAL", script, "2", processingKey(consumer), name])
        return Int(reply.integer ?? 0)
    }

    /// Moves retries that are due back to the queue; returns how many.
    @discardableResult
    public func promoteDueRetries(now: Date = Date(), limit: Int = 500) async throws(RedisError) -> Int {
        let script = """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
            for _, job in ipairs(due) do
                redis.call('ZREM', KEYS[1], job)
                redis.call('RPUSH', KEYS[2], job)
            end
            return #due
            """
        let reply = try await redis.command([
            "EVAL", script, "2", delayedKey, name, String(Int64(now.timeIntervalSince1970 * 1000)), String(limit),
        ])
        return Int(reply.integer ?? 0)
    }

    public func beat(consumer: String, ttlSeconds: Int) async throws(RedisError) {
        try await redis.set(heartbeatKey(consumer), String(Int(Date().timeIntervalSince1970)), expireSeconds: ttlSeconds)
    }

    public func stopBeating(consumer: String) async throws(RedisError) {
        try await redis.delete(heartbeatKey(consumer))
    }

    /// Gives the jobs of consumers whose heartbeat expired back to the queue (next in line);
    /// returns how many jobs came back.
    @discardableResult
    public func recoverAbandoned(except consumer: String) async throws(RedisError) -> Int {
        let prefix = "\(name):processing:"
        var recovered = 0
        for key in try await redis.scanKeys(matching: prefix + "*") {
            let owner = String(key.dropFirst(prefix.count))
            guard owner != consumer else { continue }
            let script = """
                if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
                local moved = 0
                while redis.call('LMOVE', KEYS[1], KEYS[3], 'LEFT', 'RIGHT') do moved = moved + 1 end
                return moved
                """
            let reply = try await redis.command(["EVAL", script, "3", key, heartbeatKey(owner), name])
            recovered += max(0, Int(reply.integer ?? 0))
        }
        return recovered
    }

    public struct Counts: Sendable, Equatable {
        public var pending: Int
        public var delayed: Int
        public var dead: Int

        public init(pending: Int, delayed: Int, dead: Int) {
            self.pending = pending
            self.delayed = delayed
            self.dead = dead
        }
    }

    public func counts() async throws(RedisError) -> Counts {
        let pending = try await redis.listLength(name)
        let delayed = Int(try await redis.command("ZCARD", delayedKey).integer ?? 0)
        let dead = try await redis.listLength(deadKey)
        return Counts(pending: pending, delayed: delayed, dead: dead)
    }
}
