import Foundation
import HTTPTypes
import OptralisTestSupport
import PostgresNIO
import Testing

/// The daily summary (spec "Synthèse Quotidienne (Tous plans)"): `GET /api/reports/summary/daily`
/// computed from seeded machines, alerts, roll-ups and health scores, and its setting in
/// `GET|PUT /api/settings`.
@Suite("Daily summary")
struct DailySummaryTests {
    /// The start of the current UTC hour, as SQL (the trend's windows end there).
    static let hour = "(date_trunc('hour', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"

    func machine(_ api: APIHarness, _ client: UUID, _ hostname: String, score: Int?, seen: String = "now()") async throws -> UUID {
        let id = try await api.seedMachine(client: client, hostname: hostname)
        try await api.sql("UPDATE machines SET health_score = \(score), last_seen = \(unescaped: seen) WHERE id = \(id)")
        return id
    }

    func fired(_ api: APIHarness, _ client: UUID, _ machine: UUID, _ rule: String, _ metric: String, _ severity: String, ago: String) async throws {
        try await api.sql(
            """
            INSERT INTO alert_rule_history (client_id, machine_id, rule_name, metric, operator, threshold, severity, triggered_value, triggered_at)
            VALUES (\(client), \(machine), \(rule), \(metric), '>', 90, \(severity), 95, now() - \(ago)::interval)
            """)
    }

    func rollup(_ api: APIHarness, _ machine: UUID, hoursBack: Int, cpu: Double, ram: Double, samples: Int) async throws {
        try await api.sql(
            """
            INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, ram_avg, sample_count)
            VALUES (\(machine), \(unescaped: Self.hour) - \(hoursBack) * interval '1 hour', \(cpu), \(ram), \(samples))
            """)
    }

    func disk(_ api: APIHarness, _ machine: UUID, hoursBack: Int, mount: String, used: Double, samples: Int) async throws {
        try await api.sql(
            """
            INSERT INTO disk_hourly (machine_id, bucket, mount_point, disk_usage_avg, sample_count)
            VALUES (\(machine), \(unescaped: Self.hour) - \(hoursBack) * interval '1 hour', \(mount), \(used), \(samples))
            """)
    }

    @Test func the_summary_is_computed_from_the_clients_own_machines_alerts_and_rollups() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient("Acme")
            let alpha = try await machine(api, client, "alpha", score: 90)
            let bravo = try await machine(api, client, "bravo", score: 70)
            let charlie = try await machine(api, client, "charlie", score: nil, seen: "now() - interval '2 hours'")
            _ = try await machine(api, client, "delta", score: 40)
            let echo = try await machine(api, client, "echo", score: 85)
            let foxtrot = try await machine(api, client, "foxtrot", score: 95, seen: "now() - interval '3 hours'")
            try await api.sql("UPDATE machines SET maintenance_mode = true WHERE id = \(foxtrot)")
            try await api.sql("UPDATE machines SET offline_notified_at = now() - interval '50 minutes' WHERE id = \(charlie)")
            try await fired(api, client, bravo, "CPU élevé", "cpu", "critical", ago: "1 hour")
            try await fired(api, client, bravo, "CPU élevé", "cpu", "critical", ago: "4 hours")
            try await fired(api, client, bravo, "RAM haute", "ram", "warning", ago: "3 hours")
            try await fired(api, client, echo, "RAM haute", "ram", "warning", ago: "5 hours")
            try await fired(api, client, bravo, "CPU élevé", "cpu", "critical", ago: "30 hours")
            try await api.sql(
                "INSERT INTO smart_alerts (client_id, machine_id, disk, status, notified_at) VALUES (\(client), \(echo), 'SN-1', 'warning', now() - interval '2 hours')"
            )
            try await rollup(api, alpha, hoursBack: 2, cpu: 40, ram: 50, samples: 10)
            try await rollup(api, bravo, hoursBack: 5, cpu: 60, ram: 70, samples: 30)
            try await rollup(api, alpha, hoursBack: 30, cpu: 50, ram: 40, samples: 20)
            try await rollup(api, alpha, hoursBack: 49, cpu: 99, ram: 99, samples: 500)
            try await disk(api, alpha, hoursBack: 3, mount: "/", used: 80, samples: 10)
            try await disk(api, alpha, hoursBack: 3, mount: "/data", used: 60, samples: 30)
            try await disk(api, alpha, hoursBack: 26, mount: "/", used: 70, samples: 10)

            // Another tenant, loud everywhere: none of it may show.
            let other = try await api.seedClient("Other")
            let theirs = try await machine(api, other, "zulu", score: 10, seen: "now() - interval '1 day'")
            try await fired(api, other, theirs, "CPU élevé", "cpu", "critical", ago: "1 hour")
            try await rollup(api, theirs, hoursBack: 2, cpu: 99, ram: 99, samples: 1000)

            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let reply = try await api.send(.get, "/api/reports/summary/daily", token: observer)
            #expect(reply.status == .ok, "\(reply.text)")
            let json = reply.json
            #expect(json["client_name"] as? String == "Acme")
            let machines = try #require(json["machines"] as? [String: Any])
            #expect(
                machines["total"] as? Int == 6 && machines["online"] as? Int == 4 && machines["offline"] as? Int == 2 && machines["maintenance"] as? Int == 1)
            let health = try #require(json["health"] as? [String: Any])
            #expect(health["average_score"] as? Double == 76, "(90+70+40+85+95)/5: \(health)")
            #expect(health["scored_machines"] as? Int == 5 && health["lowest_score"] as? Int == 40)

            #expect(json["machines_in_alert_count"] as? Int == 4)
            let alerting = try #require(json["machines_in_alert"] as? [[String: Any]])
            #expect(alerting.map { $0["hostname"] as? String } == ["bravo", "charlie", "delta", "echo"], "\(alerting)")
            #expect(alerting.map { $0["reasons"] as? [String] ?? [] } == [["alert_rule"], ["offline"], ["low_health_score"], ["alert_rule", "disk_failing"]])
            #expect(alerting.map { $0["severity"] as? String } == ["critical", "critical", "critical", "warning"])
            #expect(alerting.map { $0["alerts_24h"] as? Int } == [3, 0, 0, 1], "the alert of 30 hours ago is out of the window")

            let incidents = try #require(json["top_incidents"] as? [[String: Any]])
            #expect(incidents.map { $0["kind"] as? String } == ["alert_rule", "alert_rule", "machine_offline", "disk_failing"], "\(incidents)")
            #expect(incidents.map { $0["name"] as? String } == ["CPU élevé", "RAM haute", nil, nil])
            #expect(incidents.map { $0["count"] as? Int } == [2, 2, 1, 1])
            #expect(incidents.map { $0["machines"] as? Int } == [1, 2, 1, 1])
            #expect(incidents.map { $0["severity"] as? String } == ["critical", "warning", "critical", "warning"])

            let trend = try #require(json["trend"] as? [String: Any])
            func change(_ key: String) -> [Double?] {
                let value = trend[key] as? [String: Any] ?? [:]
                return [value["current"] as? Double, value["previous"] as? Double, value["change"] as? Double]
            }
            #expect(change("cpu") == [55, 50, 5], "(40×10 + 60×30)/40 against 50: \(trend)")
            #expect(change("ram") == [65, 40, 25])
            #expect(change("disk") == [65, 70, -5], "(80×10 + 60×30)/40 against 70")

            // The other tenant sees only its own fleet.
            let stranger = try await api.login(try await api.seedUser(client: other, role: "admin").email).access
            let theirSummary = try await api.send(.get, "/api/reports/summary/daily", token: stranger).json
            #expect(theirSummary["client_name"] as? String == "Other")
            #expect((theirSummary["machines_in_alert"] as? [[String: Any]])?.map { $0["hostname"] as? String } == ["zulu"])
            #expect(((theirSummary["trend"] as? [String: Any])?["cpu"] as? [String: Any])?["current"] as? Double == 99)

            // A super_admin reads it as the client it impersonates, and not without one.
            let root = try await api.login(try await api.seedUser(client: nil, role: "super_admin").email).access
            #expect(try await api.send(.get, "/api/reports/summary/daily", token: root).status == .forbidden)
            let impersonation = try #require(try await api.send(.post, "/api/admin/impersonate/\(client)", token: root).string("access_token"))
            #expect(try await api.send(.get, "/api/reports/summary/daily", token: impersonation).json["client_name"] as? String == "Acme")
            #expect(try await api.send(.get, "/api/reports/summary/daily").status == .unauthorized)
        }
    }

    @Test func an_empty_fleet_has_an_empty_summary() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let json = try await api.send(.get, "/api/reports/summary/daily", token: admin).json
            #expect((json["machines"] as? [String: Any])?["total"] as? Int == 0)
            #expect((json["health"] as? [String: Any])?["average_score"] == nil)
            #expect(json["machines_in_alert_count"] as? Int == 0 && (json["top_incidents"] as? [Any])?.isEmpty == true)
            #expect(((json["trend"] as? [String: Any])?["cpu"] as? [String: Any])?["current"] == nil)
        }
    }

    @Test func admins_change_the_setting_within_their_tenant_and_bad_values_are_refused() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let other = try await api.seedClient()

            let initial = try await api.send(.get, "/api/settings", token: observer).json["daily_summary"] as? [String: Any]
            #expect(initial?["enabled"] as? Bool == true && initial?["hour"] as? Int == 8 && initial?["timezone"] as? String == "Europe/Paris")
            #expect((initial?["recipients"] as? [String])?.isEmpty == true && initial?["last_sent_on"] == nil)

            let forbidden = try await api.send(.put, "/api/settings", token: observer, json: ["daily_summary": ["hour": 9]])
            #expect(forbidden.status == .forbidden && forbidden.code == "FORBIDDEN")

            let refused: [([String: Any], String)] = [
                (["daily_summary": ["hour": 24]], "VALIDATION_ERROR"),
                (["daily_summary": ["hour": -1]], "VALIDATION_ERROR"),
                (["daily_summary": ["hour": 1e30]], "VALIDATION_ERROR"),
                (["daily_summary": ["hour": "8"]], "BAD_REQUEST"),
                (["daily_summary": ["timezone": "Mars/Olympus"]], "VALIDATION_ERROR"),
                (["daily_summary": ["timezone": ""]], "VALIDATION_ERROR"),
                (["daily_summary": ["recipients": ["ops@acme.test", "not-an-email"]]], "VALIDATION_ERROR"),
                (["daily_summary": ["recipients": (0...20).map { "r\($0)@acme.test" }]], "VALIDATION_ERROR"),
                (["daily_summary": ["enabled": "yes"]], "BAD_REQUEST"),
                ([:], "VALIDATION_ERROR"),
            ]
            for (body, code) in refused {
                let reply = try await api.send(.put, "/api/settings", token: admin, json: body)
                #expect(reply.status == .badRequest && reply.code == code, "\(body): \(reply.status) \(reply.text)")
            }
            let hourError = try await api.send(.put, "/api/settings", token: admin, json: ["daily_summary": ["hour": 24]]).string("error")
            #expect(hourError == "daily_summary.hour must be from 0 to 23")

            let saved = try await api.send(
                .put, "/api/settings", token: admin,
                json: [
                    "daily_summary": [
                        "enabled": false, "hour": 18, "timezone": "America/New_York", "recipients": [" Ops@Acme.test ", "ops@acme.test", "cto@acme.test"],
                        "colour": "ignored",
                    ]
                ])
            #expect(saved.status == .ok, "\(saved.text)")
            let summary = try #require(saved.json["daily_summary"] as? [String: Any])
            #expect(summary["enabled"] as? Bool == false && summary["hour"] as? Int == 18 && summary["timezone"] as? String == "America/New_York")
            #expect(summary["recipients"] as? [String] == ["ops@acme.test", "cto@acme.test"], "trimmed, lowercased, once each")
            #expect((saved.json["client"] as? [String: Any])?["id"] != nil, "the answer is the whole settings, as GET")

            let partial =
                try await api.send(.put, "/api/settings", token: admin, json: ["daily_summary": ["hour": 0, "recipients": []]]).json["daily_summary"]
                as? [String: Any]
            #expect(partial?["hour"] as? Int == 0 && partial?["timezone"] as? String == "America/New_York" && partial?["enabled"] as? Bool == false)
            #expect((partial?["recipients"] as? [String])?.isEmpty == true)

            let rows = try await api.database.withClient { db in
                try await db.query(
                    "SELECT id, daily_summary_hour::int, daily_summary_timezone FROM clients WHERE id IN (\(client), \(other))", logger: testLogger
                ).decode((UUID, Int, String).self).reduce(into: [UUID: String]()) { $0[$1.0] = "\($1.1) \($1.2)" }
            }
            #expect(rows[client] == "0 America/New_York" && rows[other] == "8 Europe/Paris", "another client's setting is untouched")
            let logged = try await api.database.withClient { db in
                try await db.query(
                    "SELECT count(*)::int FROM activity_logs WHERE client_id = \(client) AND message = 'Synthèse quotidienne modifiée'", logger: testLogger
                )
                .decode(Int.self).reduce(0, +)
            }
            #expect(logged == 2)
        }
    }
}
