import Foundation
import OptralisCurl
import OptralisTestSupport
import Testing

/// Issue 16, part 5: with a dependency out the api answers at once, degraded or 503, never
/// after a timeout, and is back to normal as soon as the dependency is.
@Suite("Degrade fast while a dependency is out")
struct DependencyOutageTests {
    static func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
        let start = ContinuousClock.now
        let value = try await body()
        return (value, ContinuousClock.now - start)
    }

    static func ms(_ duration: Duration) -> String {
        String(format: "%.1f ms", Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000)
    }

    @Test func a_hung_redis_is_skipped_at_once_and_used_again_once_it_answers() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        defer { redis.resume() }
        try await APIHarness.run(redisURL: redis.url) { api in
            let user = try await api.seedUser(client: try await api.seedClient(), role: "admin")
            let session = try await api.login(user.email)
            #expect(try await api.send(.get, "/api/me", token: session.access).status == .ok)

            redis.pause()
            let (health, healthTime) = try await Self.timed { try await api.send(.get, "/health") }
            #expect(health.status == .ok && health.string("status") == "degraded", "\(health.text)")
            #expect(((health.json["checks"] as? [String: Any])?["redis"] as? [String: Any])?["status"] as? String == "down", "\(health.text)")
            #expect(healthTime < .seconds(1), "/health took \(Self.ms(healthTime)) with Redis hung")
            var times: [Duration] = []
            for _ in 0..<10 {
                let (me, time) = try await Self.timed { try await api.send(.get, "/api/me", token: session.access) }
                #expect(me.status == .ok, "\(me.text)")
                times.append(time)
            }
            #expect(times.allSatisfy { $0 < .seconds(1) })
            let (again, againTime) = try await Self.timed { try await api.send(.get, "/health") }
            #expect(again.string("status") == "degraded" && againTime < .seconds(1))
            print("redis hung: /health \(Self.ms(healthTime)) then \(Self.ms(againTime)); /api/me \(times.map(Self.ms).joined(separator: ", "))")

            redis.resume()
            let resumed = ContinuousClock.now
            let recovered = await eventually(timeout: .seconds(10)) {
                (try? await api.send(.get, "/health"))?.string("status") == "ok"
            }
            #expect(recovered, "Redis is used again once it answers")
            print("redis resumed: /health ok after \(Self.ms(ContinuousClock.now - resumed))")
            // Answered by Redis again: a logout reaches the blacklist in Redis at once.
            #expect(try await api.send(.post, "/auth/logout", token: session.access).status == .ok)
            #expect(try await RedisProbe.get(url: redis.url, key: "blacklist:"))
            #expect(try await api.send(.get, "/api/me", token: session.access).code == "TOKEN_REVOKED")
        }
        await redis.stop()
    }

    @Test func postgres_stopped_is_a_503_with_retry_after_within_seconds_on_user_and_agent_routes() async throws {
        let postgres = try PostgresServerProcess()
        do {
            let database = try await postgres.migratedDatabase()
            try await AgentTestBed.run(database: database) { bed in
                let agent = try await bed.enrol()
                func collect(_ sequence: Int) async throws -> OutboundResponse {
                    try await bed.post("/agent/collect", as: agent, body: try AgentCollectTests.envelope("metrics", sequence: sequence))
                }
                #expect(try await bed.api.send(.get, "/api/me", token: agent.adminToken).status == .ok)
                #expect(try await collect(1).status == 200)

                try await postgres.stop()
                var userTimes: [Duration] = [], agentTimes: [Duration] = []
                for round in 0..<3 {
                    let (me, meTime) = try await Self.timed { try await bed.api.send(.get, "/api/me", token: agent.adminToken) }
                    #expect(me.status == .serviceUnavailable && me.code == "SERVICE_UNAVAILABLE", "round \(round): \(me.status) \(me.text)")
                    #expect(me.json["error"] is String)
                    #expect(me.headers[.retryAfter].flatMap(Int.init).map { $0 > 0 } == true, "Retry-After: \(me.headers)")
                    #expect(meTime < .seconds(5), "/api/me took \(Self.ms(meTime))")
                    userTimes.append(meTime)

                    let (posted, postTime) = try await Self.timed { try await collect(2) }
                    #expect(
                        posted.status == 503 && posted.bodyJSON["code"] as? String == "SERVICE_UNAVAILABLE",
                        "round \(round): \(posted.status) \(posted.bodyText)")
                    #expect(posted.header("Retry-After").flatMap(Int.init).map { $0 > 0 } == true)
                    #expect(postTime < .seconds(5), "/agent/collect took \(Self.ms(postTime))")
                    agentTimes.append(postTime)
                    try await Task.sleep(for: .seconds(2))
                }
                // Readiness fails, liveness does not: an orchestrator stops routing to the api
                // without restarting it (deploy/kubernetes probes).
                #expect(try await bed.api.send(.get, "/health").status == .serviceUnavailable)
                let live = try await bed.api.send(.get, "/health/live")
                #expect(live.status == .ok && live.string("status") == "alive", "\(live.status) \(live.text)")
                print(
                    "postgres stopped: /api/me \(userTimes.map(Self.ms).joined(separator: ", ")); /agent/collect \(agentTimes.map(Self.ms).joined(separator: ", "))"
                )

                try await postgres.start()
                let restarted = ContinuousClock.now
                let recovered = await eventually(timeout: .seconds(30)) {
                    (try? await bed.api.send(.get, "/api/me", token: agent.adminToken))?.status == .ok
                }
                let recovery = ContinuousClock.now - restarted
                #expect(recovered, "the api answers again once PostgreSQL is back")
                let stored = try await collect(2)
                #expect(stored.status == 200, "\(stored.bodyText)")
                #expect(
                    try await bed.count("SELECT last_sequence::int FROM agent_collect_sequences WHERE machine_id = \(agent.machineID) AND kind = 'metrics'")
                        == 2)
                print("postgres restarted: /api/me 200 after \(Self.ms(recovery))")
            }
        } catch {
            await postgres.remove()
            throw error
        }
        await postgres.remove()
    }
}
