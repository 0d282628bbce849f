import Foundation
@testable import OptralisAI
import OptralisRedis
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("POST /ai/health-score")
struct HealthScoreRouteTests {
    /// A client and a machine with the last two days of metrics (CPU 96 % over the last day).
    func seed(_ harness: AIHarness) async throws -> (client: UUID, machine: UUID) {
        try await harness.withDatabase { db in
            let client = try await Seed.client(db, name: "Acme", language: "fr")
            let machine = try await db.insertID("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'srv-01') RETURNING id")
            try await db.query(
                """
                INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent, uptime_seconds)
                SELECT \(machine), t, CASE WHEN t > now() - interval '1 day' THEN 96 ELSE 20 END, 50,
                       extract(epoch FROM t - (now() - interval '3 days'))::bigint
                FROM generate_series(now() - interval '2 days', now() - interval '1 minute', interval '5 minutes') t
                """, logger: testLogger)
            return (client, machine)
        }
    }

    @Test func scores_without_claude_then_refuses_during_the_cooldown() async throws {
        try await AIHarness.run { harness in
            let (client, machine) = try await seed(harness)
            let reply = try await harness.post("/ai/health-score", clientID: client, json: ["machine_id": machine.uuidString])
            #expect(reply.status == .ok, "\(reply.text)")
            let json = reply.json
            #expect(json["machine_id"] as? String == machine.uuidString.lowercased() || json["machine_id"] as? String == machine.uuidString)
            // CPU p95 96 % → 20; RAM 100; stability 100: (20×0.2 + 100×0.2 + 100×0.2) / 0.6 = 73.
            #expect(json["overall_score"] as? Int == 73)
            #expect(json["category_scores"] as? [String: Int] == ["cpu": 20, "ram": 100, "stability": 100])
            #expect(json["trend"] as? String == "declining" && json["risk_level"] as? String == "medium")
            #expect(json["summary"] as? String == "Score de santé 73/100, risque modéré, tendance en baisse.")
            let issues = try #require(json["top_issues"] as? [[String: Any]])
            #expect(issues.count == 1 && issues.first?["title"] as? String == "Charge CPU élevée" && issues.first?["severity"] as? String == "high")
            let narrative = try #require(json["narrative"] as? [String: Any])
            #expect(narrative["available"] as? Bool == false && narrative["reason"] as? String == "AI_NOT_CONFIGURED")
            #expect(json["confidence"] as? Double == 0.6 && json["quota_cost"] as? Int == 1 && json["id"] is String && json["created_at"] is String)

            let stored = try await harness.withDatabase { db in
                try await db.query(
                    """
                    SELECT m.health_score, r.overall_score, r.result->>'summary', (SELECT units_used FROM ai_usage WHERE client_id = \(client))
                    FROM machines m JOIN ai_analysis_results r ON r.machine_id = m.id WHERE m.id = \(machine)
                    """, logger: testLogger
                ).decode((Int, Int, String, Int).self).reduce(into: [(Int, Int, String, Int)]()) { $0.append($1) }
            }
            #expect(stored.count == 1)
            #expect(stored.first.map { $0.0 == 73 && $0.1 == 73 && $0.2.hasPrefix("Score de santé") && $0.3 == 1 } == true)

            let again = try await harness.post("/ai/health-score", clientID: client, json: ["machine_id": machine.uuidString, "language": "en"])
            #expect(again.status == .tooManyRequests)
            #expect(again.json["cooldown"] as? Bool == true && (again.json["remaining_secs"] as? Int ?? 0) > 1790)
        }
    }

    @Test func the_narrative_comes_from_claude_when_configured() async throws {
        let answer = NarrativeWriterTests.answer(
            #"{"summary": "CPU saturé depuis hier.", "recommendations": [{"title": "Profiler", "priority": "high", "details": "top -o %CPU"}]}"#)
        try await FakeMessagesAPI.serve(script: { _ in answer }) { baseURL, fake in
            try await AIHarness.run(environment: ["ANTHROPIC_API_KEY": "sk-ant-test", "ANTHROPIC_BASE_URL": baseURL]) { harness in
                let (client, machine) = try await seed(harness)
                try await harness.withDatabase { db in
                    _ = try await db.query(
                        """
                        INSERT INTO event_logs (machine_id, recorded_at, level, source, event_id, message) VALUES
                            (\(machine), now() - interval '2 hours', 'error', 'sqlservr', 17883, 'scheduler hung'),
                            (\(machine), now() - interval '1 hour', 'warning', 'disk', NULL, 'slow')
                        """, logger: testLogger)
                }
                let reply = try await harness.post("/ai/health-score", clientID: client, json: ["machine_id": machine.uuidString])
                #expect(reply.status == .ok, "\(reply.text)")
                #expect(reply.json["summary"] as? String == "CPU saturé depuis hier.")
                let narrative = try #require(reply.json["narrative"] as? [String: Any])
                #expect(narrative["available"] as? Bool == true && narrative["reason"] == nil)
                #expect((narrative["recommendations"] as? [[String: Any]])?.first?["title"] as? String == "Profiler")
                let sent = try #require(fake.requests.first?.json["messages"] as? [[String: String]])
                #expect(sent.first?["content"]?.contains(#""overall_score":73"#) == true, "Claude gets the computed statistics")
                #expect(sent.first?["content"]?.contains("Machine : srv-01") == true)
                let content = sent.first?["content"] ?? ""
                #expect(content.contains(" error sqlservr #17883: scheduler hung") && !content.contains("slow"), "errors only: \(content)")
            }
        }
    }

    @Test func nothing_new_since_the_last_analysis_is_304() async throws {
        try await AIHarness.run { harness in
            let (client, machine) = try await seed(harness)
            // The machine as it is now, analysed 31 minutes ago: past the cooldown, nothing new since.
            try await harness.withDatabase { db in
                let history = AnalysisHistoryStore(client: db, logger: testLogger)
                let fingerprint = try #require(try await history.fingerprint(clientID: client, machineID: machine, now: Date()))
                try await db.query(
                    """
                    INSERT INTO ai_analysis_results (client_id, machine_id, analysis_type, result, data_fingerprint, created_at)
                    VALUES (\(client), \(machine), 'health_score', '{"top_issues": [{"title": "Charge CPU élevée"}]}'::jsonb,
                            \(fingerprint.json)::jsonb, now() - interval '31 minutes')
                    """, logger: testLogger)
            }
            let reply = try await harness.post("/ai/health-score", clientID: client, json: ["machine_id": machine.uuidString])
            #expect(reply.status == .notModified)
            // HTTP gives a 304 no body: the spec's JSON body does not survive the trip, its code and date do as headers.
            #expect(reply.body.readableBytes == 0)
            #expect(reply.headers[.analysisCode] == "NO_NEW_DATA")
            let last = try #require(reply.headers[.lastAnalysis].flatMap { try? Date($0, strategy: .iso8601) })
            #expect(abs(last.timeIntervalSinceNow + 31 * 60) < 60)
            let units = try await harness.withDatabase { db in
                try await db.query("SELECT count(*)::int FROM ai_usage WHERE client_id = \(client)", logger: testLogger)
                    .decode(Int.self).reduce(0) { $0 + $1 }
            }
            #expect(units == 0, "a refused analysis takes no quota")
        }
    }

    @Test func one_analysis_of_a_machine_at_a_time() async throws {
        try await AIHarness.run { harness in
            let (client, machine) = try await seed(harness)
            let redis = RedisClient(
                url: try RedisURL(parsing: try TestEnvironment.variable("OPTRALIS_TEST_REDIS_URL")), maximumConnections: 2, logger: testLogger)
            let key = AnalysisLock.key(machineID: machine, kind: .healthScore)
            #expect(try await redis.setIfAbsent(key, "another replica", expireMilliseconds: 60_000))
            let busy = try await harness.post("/ai/health-score", clientID: client, json: ["machine_id": machine.uuidString])
            #expect(busy.status == .tooManyRequests && busy.json["code"] as? String == "ANALYSIS_IN_PROGRESS")
            #expect(try await redis.get(key) == "another replica", "another holder's lock is left alone")

            try await redis.delete(key)
            #expect(try await harness.post("/ai/health-score", clientID: client, json: ["machine_id": machine.uuidString]).status == .ok)
            #expect(try await redis.get(key) == nil, "released once the analysis is done")
            await redis.shutdown()
        }
    }

    @Test func refuses_without_token_client_or_ownership() async throws {
        try await AIHarness.run { harness in
            let (client, machine) = try await seed(harness)
            let other = try await harness.withDatabase { db in try await Seed.client(db, name: "Globex") }
            let body = ["machine_id": machine.uuidString]
            #expect(try await harness.post("/ai/health-score", clientID: client, json: body, token: nil).status == .unauthorized)
            let noClient = try await harness.post("/ai/health-score", clientID: nil, json: body)
            #expect(noClient.status == .badRequest && noClient.json["code"] as? String == "CLIENT_ID_REQUIRED")
            let foreign = try await harness.post("/ai/health-score", clientID: other, json: body)
            #expect(foreign.status == .notFound && foreign.json["code"] as? String == "NOT_FOUND")
            let language = try await harness.post("/ai/health-score", clientID: client, json: ["machine_id": machine.uuidString, "language": "de"])
            #expect(language.status == .badRequest && language.json["code"] as? String == "VALIDATION_ERROR")
            #expect(try await harness.post("/ai/health-score", clientID: client, json: ["machine": "x"]).status == .badRequest)
        }
    }
}
