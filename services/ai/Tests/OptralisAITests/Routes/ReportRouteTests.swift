import Foundation
import OptralisRedis
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("/ai/reports: generate, store, list, fetch, download, mail")
struct ReportRouteTests {
    @Test func a_report_is_built_from_the_clients_data_stored_mailed_and_served_within_the_tenant() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        try await AIHarness.run(environment: ["REDIS_URL": redis.url]) { harness in
            let (client, starter) = try await harness.withDatabase { db in
                let client = try await Seed.client(db, name: "Acme", licence: "essentials")
                let starter = try await Seed.client(db, name: "Small", licence: "starter")
                let busy = try await db.insertID(
                    "INSERT INTO machines (client_id, hostname, health_score, last_seen) VALUES (\(client), 'srv-sql-01', 80, now()) RETURNING id")
                _ = try await db.insertID(
                    "INSERT INTO machines (client_id, hostname, health_score, last_seen) VALUES (\(client), 'wks-02', 40, now() - interval '2 days') RETURNING id"
                )
                _ = try await db.insertID(
                    "INSERT INTO machines (client_id, hostname, health_score, last_seen) VALUES (\(starter), 'other-01', 10, now()) RETURNING id")
                try await db.query(
                    """
                    INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, ram_avg, sample_count)
                    SELECT \(busy), date_trunc('hour', now()) - h * interval '1 hour', 95, 50, 360 FROM generate_series(1, 48) h
                    """, logger: testLogger)
                try await db.query(
                    "INSERT INTO disk_info (machine_id, recorded_at, mount_point, used_percent) VALUES (\(busy), now(), '/', 95), (\(busy), now() - interval '1 day', '/', 20)",
                    logger: testLogger)
                try await db.query(
                    """
                    INSERT INTO ai_analysis_results (client_id, machine_id, analysis_type, result, overall_score, created_at)
                    VALUES (\(client), \(busy), 'health_score', '{}', 60, now() - interval '3 days'), (\(client), \(busy), 'health_score', '{}', 80, now() - interval '1 hour')
                    """, logger: testLogger)
                try await db.query(
                    """
                    INSERT INTO alert_rule_history (client_id, machine_id, rule_name, metric, operator, threshold, severity, triggered_value, triggered_at)
                    SELECT \(client), \(busy), 'CPU > 90', 'cpu', '>', 90, 'critical', 96, now() - g * interval '1 hour' FROM generate_series(1, 3) g
                    """, logger: testLogger)
                return (client, starter)
            }

            let made = try await harness.post(
                "/ai/reports/generate", clientID: client,
                json: [
                    "report_type": "weekly", "format": "technical", "language": "fr", "email_to": ["dsi@acme.test"],
                ])
            #expect(made.status == .created, "\(made.text)")
            #expect(made.json["emails_queued"] as? Int == 1 && made.json["narrative_available"] as? Bool == false && made.json["quota_cost"] as? Int == 2)
            let id = try #require((made.json["report"] as? [String: Any])?["id"] as? String)

            let detail = try await harness.get("/ai/reports/\(id)", clientID: client)
            let content = try #require(detail.json["content"] as? [String: Any], "\(detail.text)")
            #expect(content["machine_count"] as? Int == 2 && content["online_count"] as? Int == 1 && content["alerts"] as? Int == 3)
            #expect(content["average_health"] as? Double == 60)
            let machines = content["machines"] as? [[String: Any]] ?? []
            let busy = machines.first { $0["hostname"] as? String == "srv-sql-01" }
            #expect(busy?["cpu_p95"] as? Double == 95 && busy?["disk_percent"] as? Double == 95 && busy?["health_change"] as? Int == 20, "\(busy ?? [:])")
            let issues = content["issues"] as? [String] ?? []
            #expect(
                issues.contains { $0.contains("Volume plein à 95 %") } && issues.contains { $0.contains("Alerte « CPU > 90 » déclenchée 3 fois") }, "\(issues)")

            let download = try await harness.get("/ai/reports/\(id)/download", clientID: client)
            #expect(download.status == .ok && download.headers[.contentType] == "text/html; charset=utf-8")
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"optralis-weekly-") == true)
            #expect(download.text.hasPrefix("<!DOCTYPE html>") && download.text.contains("Rapport hebdomadaire — Acme") && download.text.contains("wks-02"))
            #expect((try await harness.get("/ai/reports", clientID: client).json["reports"] as? [Any])?.count == 1)

            // The email job the notifier sends, with the report as its HTML body.
            let queue = RedisClient(url: try RedisURL(parsing: redis.url), maximumConnections: 1, logger: testLogger)
            let jobs = try await queue.listRange(NotificationQueues.email)
            await queue.shutdown()
            let job = try #require(jobs.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
            #expect(job["type"] as? String == "report_notification" && job["email"] as? String == "dsi@acme.test")
            let data = job["data"] as? [String: String] ?? [:]
            #expect(
                data["subject"]?.hasPrefix("[Optralis] Rapport hebdomadaire — Acme") == true && data["htmlBody"]?.contains("<svg") == true
                    && data["textBody"] != nil)

            // Tenant walls and the licence: another client sees nothing; a Starter client can
            // neither read stored reports nor pay for one it could not read.
            #expect(try await harness.get("/ai/reports/\(id)", clientID: starter).status == .forbidden)
            let unreadable = try await harness.post("/ai/reports/generate", clientID: starter, json: ["report_type": "daily"])
            #expect(unreadable.status == .forbidden && unreadable.json["code"] as? String == "PREMIUM_REQUIRED", "\(unreadable.text)")
            let starterUsage = try await harness.withDatabase { db in
                try await db.query("SELECT count(*)::int FROM ai_usage WHERE client_id = \(starter)", logger: testLogger).decode(Int.self).reduce(into: 0) {
                    $0 = $1
                }
            }
            #expect(starterUsage == 0, "nothing charged")
            try await harness.withDatabase { db in _ = try await db.query("UPDATE clients SET license_type = 'pro' WHERE id = \(starter)", logger: testLogger) }
            #expect(try await harness.get("/ai/reports/\(id)", clientID: starter).status == .notFound)
            #expect((try await harness.get("/ai/reports", clientID: starter).json["reports"] as? [Any])?.isEmpty == true)
            #expect(try await harness.get("/ai/reports/not-a-uuid", clientID: client).status == .badRequest)

            // Validation, then the quota: 2 units a report.
            #expect(try await harness.post("/ai/reports/generate", clientID: client, json: ["report_type": "yearly"]).status == .badRequest)
            #expect(try await harness.post("/ai/reports/generate", clientID: client, json: ["email_to": ["not an address"]]).status == .badRequest)
            try await harness.withDatabase { db in
                _ = try await db.query("INSERT INTO ai_quotas (client_id, monthly_limit) VALUES (\(client), 3)", logger: testLogger)
            }
            let refused = try await harness.post("/ai/reports/generate", clientID: client, json: ["report_type": "daily"])
            #expect(refused.status == .tooManyRequests && refused.json["code"] as? String == "QUOTA_EXCEEDED", "\(refused.text)")
            let used = try await harness.withDatabase { db in
                try await db.query("SELECT units_used FROM ai_usage WHERE client_id = \(client)", logger: testLogger).decode(Int.self).reduce(into: 0) {
                    $0 = $1
                }
            }
            #expect(used == 2)
        }
        await redis.stop()
    }
}
