import Foundation
import OptralisRedis
import OptralisTestSupport
import Testing

/// Issue 17, item 4: Redis holds security state (revoked tokens, rate-limit counters) and queues,
/// so an evicting Redis loses them silently.
@Suite("Redis: an evicting policy is reported, cache keys do not grow with user input")
struct RedisSafetyTests {
    @Test func health_warns_when_redis_may_evict_keys() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        try await APIHarness.run(redisURL: redis.url) { api in
            func redisEntry() async throws -> [String: Any] {
                let health = try await api.send(.get, "/health")
                #expect(health.status == .ok, "\(health.text)")
                return try #require((health.json["checks"] as? [String: Any])?["redis"] as? [String: Any], "\(health.text)")
            }
            #expect(try await redisEntry()["warning"] == nil, "redis-server's default policy is noeviction")

            let client = RedisClient(url: try RedisURL(parsing: redis.url), maximumConnections: 1, logger: testLogger)
            _ = try await client.command("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
            await client.shutdown()
            let entry = try await redisEntry()
            #expect(entry["status"] as? String == "up")
            let warning = try #require(entry["warning"] as? String)
            #expect(warning.contains("allkeys-lru") && warning.contains("noeviction"), "\(warning)")
        }
        await redis.stop()
    }

    @Test func machine_list_cache_keys_are_digests_and_filters_are_capped() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let redisURL = try TestEnvironment.variable("OPTRALIS_TEST_REDIS_URL")
            let clientKey = client.uuidString.lowercased()

            let long = String(repeating: "x", count: 50)
            let reply = try await api.send(.get, "/api/machines?label=\(long)&label_value=\(long)&os=\(long)", token: admin)
            #expect(reply.status == .ok, "\(reply.text)")
            let keys = try await RedisProbe.keys(url: redisURL, matching: "\(api.cachePrefix)machines:list:\(clientKey):*")
            #expect(keys.count == 1)
            let suffix = try #require(keys.first?.split(separator: ":").last)
            #expect(suffix.count == 64 && suffix.allSatisfy(\.isHexDigit), "a SHA-256 digest, not the filter's text: \(keys)")

            for (name, limit) in [("label", 50), ("label_value", 100), ("os", 100)] {
                let tooLong = try await api.send(.get, "/api/machines?\(name)=\(String(repeating: "y", count: limit + 1))", token: admin)
                #expect(tooLong.status == .badRequest, "\(name): \(tooLong.text)")
                #expect(tooLong.code == "VALIDATION_ERROR")
            }
        }
    }
}
