/// Typed wrappers for the commands the suite uses; anything else goes through `command(_:)`.
extension RedisClient {
    /// `timeout` replaces the client's command timeout (`/health` answers within a second).
    public func ping(timeout: Duration? = nil) async throws(RedisError) -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        let reply = try await command(["PING"], timeout: timeout)
        guard reply.string == "PONG" else { throw .unexpectedReply("PING answered \(reply)") }
        return clock.now - start
    }

    /// `maxmemory-policy`; nil when the server does not answer `CONFIG GET` (a managed Redis
    /// may rename or forbid it).
    public func evictionPolicy(timeout: Duration? = nil) async throws(RedisError) -> String? {
        let reply = try await command(["CONFIG", "GET", "maxmemory-policy"], timeout: timeout)
        guard let pair = reply.array, pair.count == 2 else { return nil }
        return pair[1].string
    }

    public func get(_ key: String) async throws(RedisError) -> String? {
        try await command("GET", key).string
    }

    /// SET, with an expiry in seconds when given (SET … EX).
    public func set(_ key: String, _ value: String, expireSeconds: Int? = nil) async throws(RedisError) {
        if let expireSeconds {
            try await command("SET", key, value, "EX", String(expireSeconds))
        } else {
            try await command("SET", key, value)
        }
    }

    /// SET NX PX: true when the key was absent and is now set (a lock taken).
    public func setIfAbsent(_ key: String, _ value: String, expireMilliseconds: Int) async throws(RedisError) -> Bool {
        try await command("SET", key, value, "NX", "PX", String(expireMilliseconds)) != .null
    }

    @discardableResult
    public func delete(_ keys: String...) async throws(RedisError) -> Int {
        try await delete(keys)
    }

    @discardableResult
    public func delete(_ keys: [String]) async throws(RedisError) -> Int {
        guard !keys.isEmpty else { return 0 }
        return Int(try await command(["DEL"] + keys).integer ?? 0)
    }

    public func increment(_ key: String) async throws(RedisError) -> Int {
        try integer(await command("INCR", key))
    }

    @discardableResult
    public func expire(_ key: String, seconds: Int) async throws(RedisError) -> Bool {
        try integer(await command("EXPIRE", key, String(seconds))) == 1
    }

    /// Every key matching a glob pattern, iterating SCAN (never KEYS, which blocks the server).
    public func scanKeys(matching pattern: String, batch: Int = 500) async throws(RedisError) -> [String] {
        var cursor = "0"
        var keys: [String] = []
        repeat {
            let reply = try await command("SCAN", cursor, "MATCH", pattern, "COUNT", String(batch))
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string, let found = parts[1].array else {
                throw .unexpectedReply("SCAN answered \(reply)")
            }
            keys += found.compactMap(\.string)
            cursor = next
        } while cursor != "0"
        return keys
    }

    /// LPUSH; returns the list's new length.
    @discardableResult
    public func leftPush(_ key: String, _ values: String...) async throws(RedisError) -> Int {
        try integer(await command(["LPUSH", key] + values))
    }

    public enum ListEnd: String, Sendable {
        case left = "LEFT"
        case right = "RIGHT"
    }

    /// BLMOVE: atomically moves one element between lists, waiting up to `timeoutSeconds`
    /// for one to arrive; nil on timeout. The reliable-queue hand-off of the notifier.
    public func blockingMove(
        from source: String, to destination: String, sourceEnd: ListEnd = .right, destinationEnd: ListEnd = .left,
        timeoutSeconds: Double
    ) async throws(RedisError) -> String? {
        let reply = try await command(
            ["BLMOVE", source, destination, sourceEnd.rawValue, destinationEnd.rawValue, String(timeoutSeconds)],
            blockingSeconds: timeoutSeconds)
        return reply.string
    }

    /// LMOVE: the non-blocking form, nil when the source is empty.
    public func move(
        from source: String, to destination: String, sourceEnd: ListEnd = .right, destinationEnd: ListEnd = .left
    ) async throws(RedisError) -> String? {
        try await command("LMOVE", source, destination, sourceEnd.rawValue, destinationEnd.rawValue).string
    }

    /// LREM: removes up to `count` occurrences of `value` (0 = all); returns how many went.
    @discardableResult
    public func listRemove(_ key: String, count: Int = 1, value: String) async throws(RedisError) -> Int {
        try integer(await command("LREM", key, String(count), value))
    }

    public func listRange(_ key: String, start: Int = 0, stop: Int = -1) async throws(RedisError) -> [String] {
        guard let values = try await command("LRANGE", key, String(start), String(stop)).array else {
            throw .unexpectedReply("LRANGE did not answer an array")
        }
        return values.compactMap(\.string)
    }

    public func listLength(_ key: String) async throws(RedisError) -> Int {
        try integer(await command("LLEN", key))
    }

    /// Deletes `key` only while it still holds `value`: releases a lock this holder owns,
    /// never one another replica took after ours expired.
    @discardableResult
    public func deleteIfEqual(_ key: String, _ value: String) async throws(RedisError) -> Bool {
        let script = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end"
        return try integer(await command("EVAL", script, "1", key, value)) == 1
    }

    private func integer(_ reply: RedisValue) throws(RedisError) -> Int {
        guard let value = reply.integer else { throw .unexpectedReply("expected an integer, got \(reply)") }
        return Int(value)
    }
}
