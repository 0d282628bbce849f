import Foundation
import HTTPTypes
import OptralisRedis
import OptralisTestSupport
import Testing

@Suite("The api keeps authenticating while Redis is down")
struct RedisOutageTests {
    @Test func login_reads_and_logout_work_with_redis_stopped_and_the_blacklist_catches_up() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        try await APIHarness.run(redisURL: redis.url) { api in
            let user = try await api.seedUser(client: try await api.seedClient(), role: "admin")
            let before = try await api.login(user.email)
            #expect(try await api.send(.get, "/api/me", token: before.access).status == .ok)

            await redis.stop()
            let session = try await api.login(user.email)
            #expect(try await api.send(.get, "/api/me", token: session.access).status == .ok, "the blacklist check falls back to PostgreSQL")
            #expect(try await api.send(.get, "/api/users", token: session.access).status == .ok)
            let health = try await api.send(.get, "/health")
            #expect(health.status == .ok)
            #expect(health.string("status") == "degraded")

            // Logout while Redis is down: the database records it and the token is refused.
            #expect(try await api.send(.post, "/auth/logout", token: session.access).status == .ok)
            #expect(try await api.send(.get, "/api/me", token: session.access).code == "TOKEN_REVOKED")
            let reset = try await api.send(.post, "/auth/request-password-reset", json: ["email": user.email])
            #expect(reset.status == .serviceUnavailable, "an email that cannot be queued is reported, never silently dropped")
            #expect(reset.code == "EMAIL_QUEUE_UNAVAILABLE")

            // Redis is back (empty): the entry it missed is pushed again, so the check that
            // now answers from Redis still refuses the token.
            try await redis.start()
            let caughtUp = await eventually(timeout: .seconds(10)) {
                let client = try? await RedisProbe.get(url: redis.url, key: "blacklist:")
                return client ?? false
            }
            #expect(caughtUp, "the blacklist entry reached Redis once it returned")
            #expect(try await api.send(.get, "/api/me", token: session.access).code == "TOKEN_REVOKED")
            #expect(try await api.send(.get, "/api/me", token: before.access).status == .ok)
        }
        await redis.stop()
    }

    @Test func failed_logins_are_still_limited_while_redis_is_down() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        try await APIHarness.run(redisURL: redis.url) { api in
            let client = try await api.seedClient()
            let target = try await api.seedUser(client: client, role: "admin")
            let colleague = try await api.seedUser(client: client, role: "observer")
            await redis.stop()
            for attempt in 1...5 {
                let reply = try await api.send(.post, "/auth/login", json: ["email": target.email, "password": "Wrong-Password-\(attempt)!"])
                #expect(reply.status == .unauthorized, "failure \(attempt): \(reply.text)")
            }
            let sixth = try await api.send(.post, "/auth/login", json: ["email": target.email, "password": "Wrong-Password-6!"])
            #expect(sixth.status == .tooManyRequests, "the replica's own limiter stands in for Redis: \(sixth.text)")
            #expect(sixth.code == "RATE_LIMITED")
            #expect(sixth.headers[.retryAfter].flatMap(Int.init).map { (1...900).contains($0) } == true)
            let neighbour = try await api.send(.post, "/auth/login", json: ["email": colleague.email, "password": APIHarness.password])
            #expect(neighbour.status == .ok, "\(neighbour.text)")
        }
        await redis.stop()
    }
}

/// Looks for a key prefix in a Redis server.
enum RedisProbe {
    static func get(url: String, key prefix: String) async throws -> Bool {
        let client = RedisClient(url: try RedisURL(parsing: url), maximumConnections: 1, logger: testLogger)
        defer { Task { await client.shutdown() } }
        return try await !client.scanKeys(matching: "\(prefix)*").isEmpty
    }

    static func delete(url: String, key: String) async throws {
        let client = RedisClient(url: try RedisURL(parsing: url), maximumConnections: 1, logger: testLogger)
        defer { Task { await client.shutdown() } }
        _ = try await client.delete(key)
    }

    static func keys(url: String, matching pattern: String) async throws -> [String] {
        let client = RedisClient(url: try RedisURL(parsing: url), maximumConnections: 1, logger: testLogger)
        defer { Task { await client.shutdown() } }
        return try await client.scanKeys(matching: pattern)
    }
}
