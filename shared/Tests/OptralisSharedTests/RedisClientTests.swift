import Foundation
import OptralisRedis
import OptralisTestSupport
import Testing

@Suite("Redis client over hiredis")
struct RedisClientTests {
    let prefix = "test:\(UUID().uuidString):"

    func withClient(_ body: (RedisClient) async throws -> Void) async throws {
        let client = RedisClient(url: try TestEnvironment.redisURL, maximumConnections: 4, logger: testLogger)
        do {
            try await body(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    @Test func strings_round_trip_with_expiry_and_binary_safe_values() async throws {
        try await withClient { (redis) async throws in
            let awkward = "line one\r\nline \"two\" — ünïcödé \u{0}end"
            try await redis.set(prefix + "a", awkward)
            #expect(try await redis.get(prefix + "a") == awkward)
            try await redis.set(prefix + "empty", "")
            #expect(try await redis.get(prefix + "empty") == "")
            #expect(try await redis.get(prefix + "missing") == nil)

            try await redis.set(prefix + "ttl", "x", expireSeconds: 100)
            let ttl = try await redis.command("TTL", prefix + "ttl").integer
            #expect(ttl.map { (90...100).contains($0) } == true)

            #expect(try await redis.increment(prefix + "n") == 1)
            #expect(try await redis.increment(prefix + "n") == 2)
            #expect(try await redis.expire(prefix + "n", seconds: 50))
            #expect(try await redis.expire(prefix + "absent", seconds: 50) == false)
            #expect(try await redis.delete(prefix + "a", prefix + "n", prefix + "absent") == 2)
            #expect(try await redis.get(prefix + "a") == nil)
        }
    }

    @Test func set_nx_px_takes_a_lock_once_and_only_its_owner_releases_it() async throws {
        try await withClient { (redis) async throws in
            #expect(try await redis.setIfAbsent(prefix + "lock", "owner-1", expireMilliseconds: 10_000))
            #expect(try await redis.setIfAbsent(prefix + "lock", "owner-2", expireMilliseconds: 10_000) == false)
            #expect(try await redis.deleteIfEqual(prefix + "lock", "owner-2") == false)
            #expect(try await redis.get(prefix + "lock") == "owner-1")
            #expect(try await redis.deleteIfEqual(prefix + "lock", "owner-1"))
            #expect(try await redis.setIfAbsent(prefix + "lock", "owner-2", expireMilliseconds: 50))
            try await Task.sleep(for: .milliseconds(120))
            #expect(try await redis.get(prefix + "lock") == nil, "PX expiry must free the lock")
        }
    }

    @Test func scan_finds_every_matching_key_across_batches() async throws {
        try await withClient { (redis) async throws in
            for index in 0..<120 { try await redis.set(prefix + "scan:\(index)", "v") }
            try await redis.set(prefix + "other", "v")
            let keys = try await redis.scanKeys(matching: prefix + "scan:*", batch: 10)
            #expect(Set(keys).count == 120)
            #expect(!keys.contains(prefix + "other"))
        }
    }

    @Test func lists_push_range_and_remove() async throws {
        try await withClient { (redis) async throws in
            let list = prefix + "list"
            #expect(try await redis.leftPush(list, "a", "b", "c") == 3)
            #expect(try await redis.listRange(list) == ["c", "b", "a"])
            #expect(try await redis.listRemove(list, value: "b") == 1)
            #expect(try await redis.listRange(list) == ["c", "a"])
            #expect(try await redis.listLength(list) == 2)
        }
    }

    @Test func an_error_reply_is_thrown_and_leaves_the_connection_usable() async throws {
        try await withClient { (redis) async throws in
            try await redis.set(prefix + "s", "text")
            await #expect(throws: RedisError.self) { try await redis.leftPush(prefix + "s", "x") }
            #expect(try await redis.get(prefix + "s") == "text")
        }
    }

    @Test func blmove_hands_a_job_from_a_producer_to_a_blocked_consumer() async throws {
        let queue = prefix + "queue"
        let processing = prefix + "processing:worker-1"
        let consumer = RedisClient(url: try TestEnvironment.redisURL, maximumConnections: 2, logger: testLogger)
        let producer = RedisClient(url: try TestEnvironment.redisURL, maximumConnections: 2, logger: testLogger)
        defer {
            Task {
                await consumer.shutdown()
                await producer.shutdown()
            }
        }

        let started = ContinuousClock.now
        async let received = consumer.blockingMove(from: queue, to: processing, timeoutSeconds: 5)
        try await Task.sleep(for: .milliseconds(300))
        try await producer.leftPush(queue, #"{"type":"email","id":"job-1"}"#)
        let job = try await received
        #expect(job == #"{"type":"email","id":"job-1"}"#)
        #expect(ContinuousClock.now - started < .seconds(4), "the consumer must wake on the push, not on its timeout")
        #expect(try await producer.listRange(processing) == [job!], "the job sits in the processing list until acknowledged")
        #expect(try await producer.listLength(queue) == 0)
        #expect(try await producer.listRemove(processing, value: job!) == 1)
        #expect(try await consumer.blockingMove(from: queue, to: processing, timeoutSeconds: 0.2) == nil, "times out on an empty queue")
    }

    @Test func client_recovers_by_itself_after_redis_server_restarts() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        let redis = RedisClient(url: try RedisURL(parsing: server.url), maximumConnections: 3, logger: testLogger)
        // Fill the pool with several idle connections, all of which the restart will break.
        async let first: Void = redis.set("k1", "v1")
        async let second: Void = redis.set("k2", "v2")
        async let third: Void = redis.set("k3", "v3")
        _ = try await (first, second, third)

        await server.stop()
        await #expect(throws: RedisError.self) { try await redis.get("k1") }
        #expect(!redis.isAvailable, "the failed command opened the breaker")
        try await server.start()
        let restarted = ContinuousClock.now
        #expect(await eventually(timeout: .seconds(3)) { redis.isAvailable }, "a background ping closes the breaker")
        #expect(ContinuousClock.now - restarted < .seconds(1))

        // Same client object, no manual action: every command after the restart succeeds,
        // the stale idle connections included.
        for round in 0..<6 {
            try await redis.set("after:\(round)", "ok")
            #expect(try await redis.get("after:\(round)") == "ok")
        }
        #expect(try await redis.get("k1") == nil, "the restarted server kept no data (--save '')")
        await redis.shutdown()
        await server.stop()
    }

    @Test func a_hung_server_costs_one_timeout_then_commands_fail_at_once_until_it_answers() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        let redis = RedisClient(url: try RedisURL(parsing: server.url), maximumConnections: 4, timeout: .milliseconds(300), logger: testLogger)
        try await redis.set(prefix + "k", "v")
        server.pause()
        let clock = ContinuousClock()
        var start = clock.now
        await #expect(throws: RedisError.self) { try await redis.get(self.prefix + "k") }
        let first = clock.now - start
        #expect(first >= .milliseconds(250) && first < .seconds(1), "one timeout, not a retry on a second connection: \(first)")
        #expect(!redis.isAvailable)
        start = clock.now
        await #expect(throws: RedisError.self) { try await redis.get(self.prefix + "k") }
        #expect(clock.now - start < .milliseconds(50), "the open breaker answers at once")
        server.resume()
        #expect(await eventually(timeout: .seconds(5)) { redis.isAvailable })
        #expect(try await redis.get(prefix + "k") == "v")
        await redis.shutdown()
        await server.stop()
    }
}
