import Foundation
@testable import OptralisAI
import OptralisServer
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("POST /ai/analyze/*, recommendations, scripts, correlate, predictive")
struct AnalysisRouteTests {
    /// Every machine analysis with its quota cost.
    static let routes: [(path: String, kind: String, cost: Int)] = [
        ("/ai/analyze/trends", "trends", 1), ("/ai/analyze/anomalies", "anomalies", 1), ("/ai/analyze/logs", "logs", 1),
        ("/ai/analyze/full", "full", 3), ("/ai/recommendations", "recommendations", 1), ("/ai/scripts/generate", "scripts", 1),
        ("/ai/analyze/degradation", "degradation", 1), ("/ai/analyze/intermittent", "intermittent", 1), ("/ai/correlate", "correlation", 1),
        ("/ai/predictive/maintenance", "predictive_maintenance", 5),
    ]
    static let advanced: Set<String> = ["/ai/analyze/degradation", "/ai/analyze/intermittent", "/ai/correlate", "/ai/predictive/maintenance"]

    /// A client with a Linux machine that has everything the analyses read: 8 days of 5-minute
    /// metrics (a CPU spike 3 hours ago, right after an update started; disk latency spikes
    /// every 6 hours before the last day), 60 days of hourly roll-ups with CPU rising 0.5 point a day, a 100 GB
    /// volume filling 1 GB a day, recurring errors and a critical event.
    static func seed(_ db: PostgresClient, licence: String = "pro") async throws -> (client: UUID, machine: UUID) {
        let client = try await Seed.client(db, name: "Acme", licence: licence, language: "en")
        let machine = try await db.insertID("INSERT INTO machines (client_id, hostname, os) VALUES (\(client), 'db-01', 'Debian 12') RETURNING id")
        try await db.query(
            """
            INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent, disk_latency_ms, io_wait_percent, uptime_seconds)
            SELECT \(machine), t,
                   CASE WHEN t BETWEEN now() - interval '3 hours' AND now() - interval '2 hours 50 minutes' THEN 97 ELSE 30 END,
                   60,
                   -- Latency spikes every 6 hours, none in the last day: the correlation test's window
                   -- must hold the CPU spike alone, whatever the clock says.
                   CASE WHEN t < now() - interval '1 day' AND extract(epoch FROM t)::bigint % 21600 < 300 THEN 85 ELSE 4 END,
                   3,
                   extract(epoch FROM t - (now() - interval '9 days'))::bigint
            FROM generate_series(now() - interval '8 days', now() - interval '1 minute', interval '5 minutes') t
            """, logger: testLogger)
        try await db.query(
            """
            INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, cpu_max, ram_avg, ram_max, disk_latency_avg, disk_latency_max, sample_count)
            SELECT \(machine), b, 40 + 0.5 * extract(epoch FROM b - (now() - interval '60 days')) / 86400, 99, 60, 70, 4 + extract(day FROM b)::int % 3, 85, 360
            FROM generate_series(date_trunc('hour', now()) - interval '60 days', date_trunc('hour', now()) - interval '1 hour', interval '1 hour') b
            """, logger: testLogger)
        try await db.query(
            """
            INSERT INTO disk_hourly (machine_id, bucket, mount_point, disk_usage_avg, disk_usage_max, sample_count)
            SELECT \(machine), b, '/', 20 + extract(epoch FROM b - (now() - interval '30 days')) / 86400, 0, 12
            FROM generate_series(date_trunc('hour', now()) - interval '30 days', date_trunc('hour', now()) - interval '1 hour', interval '1 hour') b
            """, logger: testLogger)
        try await db.query(
            """
            INSERT INTO disk_info (machine_id, recorded_at, mount_point, device, fs_type, total_gb, used_gb, used_percent)
            VALUES (\(machine), now() - interval '5 minutes', '/', '/dev/sda1', 'ext4', 100, 50, 50)
            """, logger: testLogger)
        try await db.query(
            """
            INSERT INTO event_logs (machine_id, recorded_at, level, source, event_id, message)
            SELECT \(machine), now() - (n || ' hours')::interval, 'error', 'nginx', NULL::int, 'upstream timed out' FROM generate_series(5, 9) n
            UNION ALL SELECT \(machine), now() - interval '3 hours 10 seconds', 'info', 'apt', NULL::int, 'Installation started'
            UNION ALL SELECT \(machine), now() - interval '20 hours', 'critical', 'kernel', 41, 'Out of memory: Killed process 1234'
            """, logger: testLogger)
        return (client, machine)
    }

    @Test func every_analysis_answers_with_its_statistics_and_takes_its_cost() async throws {
        try await AIHarness.run { harness in
            let (client, machine) = try await harness.withDatabase { try await Self.seed($0) }
            for route in Self.routes {
                let reply = try await harness.post(route.path, clientID: client, json: ["machine_id": machine.uuidString])
                #expect(reply.status == .ok, "\(route.path): \(reply.text)")
                let json = reply.json
                #expect(json["analysis_type"] as? String == route.kind && json["quota_cost"] as? Int == route.cost, "\(route.path)")
                #expect(json["statistics"] is [String: Any] && json["id"] is String && json["created_at"] is String, "\(route.path)")
                #expect((json["narrative"] as? [String: Any])?["reason"] as? String == "AI_NOT_CONFIGURED", "\(route.path)")
            }
            let (rows, units) = try await harness.withDatabase { db in
                let kinds = try await db.query("SELECT analysis_type FROM ai_analysis_results WHERE client_id = \(client) ORDER BY 1", logger: testLogger)
                    .decode(String.self).reduce(into: [String]()) { $0.append($1) }
                let units = try await db.query("SELECT COALESCE(sum(units_used), 0)::int FROM ai_usage WHERE client_id = \(client)", logger: testLogger)
                    .decode(Int.self).reduce(0) { $0 + $1 }
                return (kinds, units)
            }
            #expect(rows == Self.routes.map(\.kind).sorted())
            #expect(units == Self.routes.map(\.cost).reduce(0, +))
        }
    }

    @Test func the_statistics_find_what_the_data_holds() async throws {
        try await AIHarness.run { harness in
            let (client, machine) = try await harness.withDatabase { try await Self.seed($0) }
            func statistics(_ path: String, _ extra: [String: Any] = [:]) async throws -> [String: Any] {
                let reply = try await harness.post(path, clientID: client, json: ["machine_id": machine.uuidString].merging(extra) { $1 })
                #expect(reply.status == .ok, "\(path): \(reply.text)")
                return try #require(reply.json["statistics"] as? [String: Any])
            }
            let trends = try await statistics("/ai/analyze/trends", ["period_days": 30])
            #expect(trends["period_days"] as? [Int] == [30])
            let cpu = try #require((trends["metrics"] as? [[String: Any]])?.first { $0["metric"] as? String == "cpu" })
            #expect((cpu["windows"] as? [[String: Any]])?.first?["trend"] as? String == "increasing")
            // 70 % now, rising 0.5 a day: 90 % in about 40 days.
            let days = try #require((cpu["saturation"] as? [String: Any])?["days_until_critical"] as? Int)
            #expect((38...41).contains(days), "\(days)")

            let logs = try await statistics("/ai/analyze/logs")
            #expect(logs["critical_count"] as? Int == 1 && logs["error_count"] as? Int == 5 && logs["recurring_count"] as? Int == 1)

            let intermittent = try await statistics("/ai/analyze/intermittent")
            #expect((intermittent["disk_latency_ms"] as? [String: Any])?["pattern"] as? String == "periodic")

            let correlations = try #require(try await statistics("/ai/correlate")["correlations"] as? [[String: Any]])
            #expect(correlations.count == 1)
            #expect((correlations.first?["related_events"] as? [[String: Any]])?.first?["source"] as? String == "apt")

            let anomalies = try await statistics("/ai/analyze/anomalies")
            #expect((anomalies["metrics"] as? [[String: Any]])?.count == 3)
            let baselines = try await harness.withDatabase { db in
                try await db.query("SELECT count(*)::int FROM metric_baselines WHERE machine_id = \(machine)", logger: testLogger).decode(Int.self).reduce(0) {
                    $0 + $1
                }
            }
            #expect(baselines == 3, "anomalies keep the baselines as the drift routine does")

            let predictive = try await statistics("/ai/predictive/maintenance")
            #expect(Set(predictive.keys) == ["health_score", "trends", "degradation", "correlations", "intermittent", "capacity_planning"])
            let disk = try #require((predictive["capacity_planning"] as? [String: Any])?["disk:/"] as? [String: Any])
            #expect(abs((disk["growth_rate_gb_per_month"] as? Double ?? 0) - 30) < 0.5)

            let scripts = try await statistics("/ai/scripts/generate", ["issue": "the disk fills up"])
            #expect(scripts["platform"] as? String == "bash" && scripts["issue"] as? String == "the disk fills up")
        }
    }

    @Test func advanced_analyses_need_a_pro_licence() async throws {
        try await AIHarness.run { harness in
            let (client, machine) = try await harness.withDatabase { try await Self.seed($0, licence: "essentials") }
            for path in Self.advanced {
                let reply = try await harness.post(path, clientID: client, json: ["machine_id": machine.uuidString])
                #expect(reply.status == .forbidden && reply.json["code"] as? String == "PREMIUM_REQUIRED", "\(path): \(reply.text)")
            }
            #expect(try await harness.post("/ai/analyze/trends", clientID: client, json: ["machine_id": machine.uuidString]).status == .ok)
        }
    }

    @Test func refusals_and_bad_requests() async throws {
        try await AIHarness.run { harness in
            let (client, machine) = try await harness.withDatabase { try await Self.seed($0) }
            let (other, empty) = try await harness.withDatabase { db in
                let other = try await Seed.client(db, name: "Globex")
                let empty = try await db.insertID("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'new-01') RETURNING id")
                return (other, empty)
            }
            let body = ["machine_id": machine.uuidString]
            let period = try await harness.post("/ai/analyze/trends", clientID: client, json: ["machine_id": machine.uuidString, "period_days": 14])
            #expect(period.status == .badRequest && period.json["code"] as? String == "VALIDATION_ERROR")
            let long = try await harness.post(
                "/ai/scripts/generate", clientID: client, json: ["machine_id": machine.uuidString, "issue": String(repeating: "x", count: 1001)])
            #expect(long.status == .badRequest)
            for bad: [String: Any] in [
                ["machine_id": "abc"], ["machine_id": machine.uuidString, "period_days": "7"], ["machine_id": machine.uuidString, "language": 1], [:],
            ] {
                let reply = try await harness.post("/ai/analyze/trends", clientID: client, json: bad)
                #expect(reply.status == .badRequest && reply.json["code"] as? String == "BAD_REQUEST", "\(bad): \(reply.text)")
                #expect(reply.headers[.requestID] != nil, "the shared middleware (request id, log line, metrics) wraps the /ai routes")
            }
            let noClient = try await harness.post("/ai/analyze/logs", clientID: nil, json: body)
            #expect(noClient.status == .badRequest && noClient.json["code"] as? String == "CLIENT_ID_REQUIRED")
            #expect(try await harness.post("/ai/analyze/logs", clientID: other, json: body).status == .notFound)
            let noData = try await harness.post("/ai/analyze/trends", clientID: client, json: ["machine_id": empty.uuidString])
            #expect(noData.status == .unprocessableContent && noData.json["code"] as? String == "NO_DATA", "\(noData.text)")

            #expect(try await harness.post("/ai/analyze/logs", clientID: client, json: body).status == .ok)
            let again = try await harness.post("/ai/analyze/logs", clientID: client, json: body)
            #expect(again.status == .tooManyRequests && again.json["cooldown"] as? Bool == true)
            #expect(try await harness.post("/ai/analyze/anomalies", clientID: client, json: body).status == .ok, "each kind has its own cooldown")
        }
    }

    @Test func claude_gets_the_statistics_of_the_analysis() async throws {
        let answer = NarrativeWriterTests.answer(#"{"summary": "The CPU climbs half a point a day.", "recommendations": []}"#)
        try await FakeMessagesAPI.serve(script: { _ in answer }) { baseURL, fake in
            try await AIHarness.run(environment: ["ANTHROPIC_API_KEY": "sk-ant-test", "ANTHROPIC_BASE_URL": baseURL]) { harness in
                let (client, machine) = try await harness.withDatabase { try await Self.seed($0) }
                let reply = try await harness.post("/ai/analyze/degradation", clientID: client, json: ["machine_id": machine.uuidString])
                #expect(reply.status == .ok, "\(reply.text)")
                #expect(reply.json["summary"] as? String == "The CPU climbs half a point a day.")
                let content = try #require((fake.requests.first?.json["messages"] as? [[String: String]])?.first?["content"])
                #expect(content.contains("Requested analysis: analyze/degradation") && content.contains(#""days_until_critical""#))
            }
        }
    }
}
