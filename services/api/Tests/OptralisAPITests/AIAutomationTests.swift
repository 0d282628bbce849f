import Foundation
import OptralisTestSupport
import Testing

@Suite("AI routines, triggers, automation overview and AI configuration")
struct AIAutomationTests {
    static func date(_ text: String) -> Date? { ISO8601DateFormatter().date(from: text) }

    @Test func licence_gates_follow_the_spec() async throws {
        try await APIHarness.run { api in
            var tokens: [String: String] = [:]
            for licence in ["starter", "essentials", "pro", "enterprise"] {
                let client = try await api.seedClient()
                try await api.sql("UPDATE clients SET license_type = \(licence) WHERE id = \(client)")
                tokens[licence] = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            }
            func status(_ licence: String, _ path: String) async throws -> (Int, String?) {
                let reply = try await api.send(.get, path, token: tokens[licence])
                return (Int(reply.status.code), reply.code)
            }
            #expect(try await status("starter", "/api/ai/routines") == (403, "PREMIUM_REQUIRED"))
            #expect(try await status("starter", "/api/ai/triggers") == (403, "PREMIUM_REQUIRED"))
            #expect(try await status("essentials", "/api/ai/routines").0 == 200)
            #expect(try await status("essentials", "/api/ai/triggers/stats").0 == 200)
            #expect(try await status("essentials", "/api/ai/automation") == (403, "PREMIUM_REQUIRED"))
            #expect(try await status("pro", "/api/ai/automation").0 == 200)
            #expect(try await status("pro", "/api/ai-config") == (403, "PREMIUM_REQUIRED"))
            #expect(try await status("enterprise", "/api/ai-config").0 == 200)
        }
    }

    @Test func routines_validate_schedule_and_config_compute_the_next_run_and_stay_in_their_tenant() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            try await api.sql("UPDATE clients SET license_type = 'pro' WHERE id = \(client)")
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let other = try await api.seedClient()
            try await api.sql("UPDATE clients SET license_type = 'pro' WHERE id = \(other)")
            let stranger = try await api.login(try await api.seedUser(client: other, role: "admin").email).access
            let foreignChannel = try await api.database.withClient { db in
                try await db.query(
                    "INSERT INTO notification_channels (client_id, type, name, config) VALUES (\(other), 'webhook_slack', 'Theirs', '{\"webhook_url\": \"https://hooks.slack.test/x\"}') RETURNING id",
                    logger: testLogger
                ).decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
            }

            let created = try await api.send(
                .post, "/api/ai/routines", token: admin,
                json: [
                    "routine_type": "daily_health_check", "schedule": "0 8 * * *", "config": ["analysis_type": "full", "machines": "all"],
                ])
            #expect(created.status == .created, "\(created.text)")
            let next = try #require(created.string("next_run_at").flatMap(Self.date))
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            #expect(calendar.component(.hour, from: next) == 8 && calendar.component(.minute, from: next) == 0 && next > Date())
            #expect(next.timeIntervalSinceNow <= 86_400, "the next 08:00 UTC")
            let id = try #require(created.string("id"))

            let refused: [[String: Any]] = [
                ["routine_type": "nightly_magic", "schedule": "0 8 * * *"],
                ["routine_type": "daily_report", "schedule": "every morning"],
                ["routine_type": "daily_report"],
                ["routine_type": "daily_report", "schedule": "0 8 * * *", "config": ["analysys_type": "full"]],
                ["routine_type": "daily_report", "schedule": "0 8 * * *", "config": ["analysis_type": "everything"]],
                ["routine_type": "daily_report", "schedule": "0 8 * * *", "config": ["notify_channels": [foreignChannel.uuidString]]],
                ["routine_type": "daily_report", "schedule": "0 8 * * *", "config": ["machines": ["not-a-uuid"]]],
            ]
            for body in refused {
                let reply = try await api.send(.post, "/api/ai/routines", token: admin, json: body)
                #expect(reply.status == .badRequest && reply.code == "VALIDATION_ERROR", "\(body): \(reply.text)")
            }
            #expect(
                try await api.send(.post, "/api/ai/routines", token: observer, json: ["routine_type": "daily_report", "schedule": "@daily"]).status
                    == .forbidden)

            let weekly = try await api.send(
                .post, "/api/ai/routines", token: admin, json: ["routine_type": "weekly_report", "schedule": "30 7 * * MON", "enabled": false])
            #expect(weekly.status == .created && weekly.string("next_run_at") == nil, "a disabled routine has no next run: \(weekly.text)")
            let disabled = try await api.send(.put, "/api/ai/routines/\(id)", token: admin, json: ["enabled": false])
            #expect(disabled.json["enabled"] as? Bool == false && disabled.string("next_run_at") == nil)
            let moved = try await api.send(.put, "/api/ai/routines/\(id)", token: admin, json: ["enabled": true, "schedule": "15 22 * * *"])
            let movedNext = try #require(moved.string("next_run_at").flatMap(Self.date), "\(moved.text)")
            #expect(calendar.component(.hour, from: movedNext) == 22 && calendar.component(.minute, from: movedNext) == 15)
            #expect((moved.json["config"] as? [String: Any])?["analysis_type"] as? String == "full", "config kept when not given")
            #expect(try await api.send(.put, "/api/ai/routines/\(id)", token: admin, json: ["routine_type": "daily_report"]).code == "VALIDATION_ERROR")

            try await api.sql(
                """
                INSERT INTO ai_routine_history (client_id, routine_id, routine_type, status, started_at, completed_at, machines_analyzed, issues_found)
                VALUES (\(client), \(UUID(uuidString: id)!), 'daily_health_check', 'success', now() - interval '2 hours', now() - interval '2 hours', 25, 3),
                       (\(client), \(UUID(uuidString: id)!), 'daily_health_check', 'failed', now() - interval '1 hour', now() - interval '1 hour', 0, 0)
                """)
            let history = try await api.send(.get, "/api/ai/routines/\(id)/history?limit=1", token: observer)
            let runs = history.json["history"] as? [[String: Any]] ?? []
            #expect(runs.count == 1 && runs.first?["status"] as? String == "failed", "newest first, limited: \(history.text)")
            let stats = try await api.send(.get, "/api/ai/routines/stats", token: observer)
            #expect(
                stats.json["total"] as? Int == 2 && stats.json["enabled"] as? Int == 1 && stats.json["last_24h_runs"] as? Int == 2
                    && stats.json["last_24h_failures"] as? Int == 1, "\(stats.text)")

            #expect(try await api.send(.get, "/api/ai/routines/\(id)", token: stranger).status == .notFound)
            #expect(try await api.send(.delete, "/api/ai/routines/\(id)", token: stranger).status == .notFound)
            #expect((try await api.send(.get, "/api/ai/routines", token: stranger).json["routines"] as? [Any])?.isEmpty == true)
            #expect(try await api.send(.delete, "/api/ai/routines/\(id)", token: admin).status == .ok)
            #expect(try await api.send(.get, "/api/ai/routines/\(id)", token: admin).status == .notFound)
        }
    }

    @Test func triggers_check_their_conditions_and_the_overview_shows_the_latest_activity() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            try await api.sql("UPDATE clients SET license_type = 'pro' WHERE id = \(client)")
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let channel = try await api.database.withClient { db in
                try await db.query(
                    "INSERT INTO notification_channels (client_id, type, name, config) VALUES (\(client), 'webhook_slack', 'Ops', '{\"webhook_url\": \"https://hooks.slack.test/x\"}') RETURNING id",
                    logger: testLogger
                ).decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
            }
            let created = try await api.send(
                .post, "/api/ai/triggers", token: admin,
                json: [
                    "trigger_type": "critical_machine", "conditions": ["health_score_below": 50, "offline_minutes": 15],
                    "actions": ["analysis_type": "full", "notify_channels": [channel.uuidString]],
                ])
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.string("id"))
            #expect(
                try await api.send(.post, "/api/ai/triggers", token: admin, json: ["trigger_type": "new_machine"]).status == .created,
                "new_machine needs no condition")

            let refused: [[String: Any]] = [
                ["trigger_type": "disk_on_fire", "conditions": ["cpu_above": 90]],
                ["trigger_type": "critical_machine", "conditions": [String: Any]()],
                ["trigger_type": "critical_machine", "conditions": ["cpu_above": 150]],
                ["trigger_type": "critical_machine", "conditions": ["z_score_above": 3]],
                ["trigger_type": "degradation", "conditions": ["z_score_above": "3"]],
                ["trigger_type": "degradation", "conditions": ["z_score_above": 3], "actions": ["page_everyone": true]],
            ]
            for body in refused {
                let reply = try await api.send(.post, "/api/ai/triggers", token: admin, json: body)
                #expect(reply.status == .badRequest, "\(body): \(reply.text)")
            }
            let edited = try await api.send(.put, "/api/ai/triggers/\(id)", token: admin, json: ["conditions": ["cpu_above": 95]])
            #expect((edited.json["conditions"] as? [String: Any])?["cpu_above"] as? Int == 95, "\(edited.text)")
            #expect(((edited.json["actions"] as? [String: Any])?["notify_channels"] as? [String])?.count == 1, "actions kept")

            try await api.sql("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'SRV-PROD-01')")
            try await api.sql(
                """
                INSERT INTO ai_trigger_history (client_id, trigger_id, machine_id, trigger_reason, analysis_result, triggered_at)
                SELECT \(client), \(UUID(uuidString: id)!), id, 'Health score below 50', '{"score": 41}', now() - interval '10 minutes'
                FROM machines WHERE hostname = 'SRV-PROD-01'
                """)
            let history = try await api.send(.get, "/api/ai/triggers/\(id)/history", token: admin)
            let firing = (history.json["history"] as? [[String: Any]])?.first
            #expect(
                firing?["machine_hostname"] as? String == "SRV-PROD-01" && (firing?["analysis_result"] as? [String: Any])?["score"] as? Int == 41,
                "\(history.text)")

            let routine = try await api.send(.post, "/api/ai/routines", token: admin, json: ["routine_type": "drift_detection", "schedule": "@hourly"])
            #expect(routine.status == .created)
            let overview = try await api.send(.get, "/api/ai/automation", token: admin)
            let triggers = overview.json["triggers"] as? [[String: Any]] ?? []
            let withHistory = triggers.first { ($0["trigger"] as? [String: Any])?["id"] as? String == id }
            #expect((withHistory?["last_history"] as? [String: Any])?["trigger_reason"] as? String == "Health score below 50", "\(overview.text)")
            #expect((overview.json["routines"] as? [Any])?.count == 1)
            #expect((overview.json["trigger_stats"] as? [String: Any])?["last_24h_triggers"] as? Int == 1)
            #expect((overview.json["routine_stats"] as? [String: Any])?["total"] as? Int == 1)
        }
    }

    @Test func the_ai_configuration_classifies_machines_by_host_name_with_manual_and_custom_overrides() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            try await api.sql("UPDATE clients SET license_type = 'enterprise' WHERE id = \(client)")
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            try await api.sql(
                """
                INSERT INTO machines (client_id, hostname) VALUES (\(client), 'srv-prod-01'), (\(client), 'dev-sql-02'), (\(client), 'web-front'),
                    (\(client), 'uat-app'), (\(client), 'kiosk-7'), (\(client), 'lab-printer'), (\(client), 'nas-bkp')
                """)
            let initial = try await api.send(.get, "/api/ai-config", token: admin)
            #expect((initial.json["config"] as? [String: Any])?["auto_detect_enabled"] as? Bool == true, "defaults: \(initial.text)")
            #expect((initial.json["summary"] as? [String: Int])?["unclassified"] == 7)

            let printer = try #require(
                (initial.json["classifications"] as? [[String: Any]])?.first { $0["hostname"] as? String == "lab-printer" }?["machine_id"] as? String)
            let saved = try await api.send(
                .put, "/api/ai-config", token: admin,
                json: [
                    "custom_context": "Entrepôt logistique, WMS critique 24/7.",
                    "custom_patterns": [["pattern": "kiosk", "criticality": "important", "reason": "Bornes clients"]],
                    "classifications": [["machine_id": printer, "criticality": "critical"]],
                ])
            #expect(saved.status == .ok, "\(saved.text)")
            let analyzed = try await api.send(.post, "/api/ai-config/analyze", token: admin)
            #expect(analyzed.status == .ok, "\(analyzed.text)")
            let rows = ((analyzed.json["settings"] as? [String: Any])?["classifications"] as? [[String: Any]]) ?? []
            func level(_ host: String) -> (String?, String?) {
                let row = rows.first { $0["hostname"] as? String == host }
                return (row?["criticality"] as? String, row?["source"] as? String)
            }
            #expect(level("srv-prod-01") == ("critical", "auto"))
            #expect(level("dev-sql-02") == ("critical", "auto"), "SQL comes before DEV in the spec's table")
            #expect(level("web-front") == ("important", "auto"))
            #expect(level("uat-app") == ("standard", "auto"))
            #expect(level("nas-bkp") == ("standard", "auto"))
            #expect(level("kiosk-7") == ("important", "auto"), "the client's own pattern")
            #expect(level("lab-printer") == ("critical", "manual"), "a manual classification is kept")
            #expect((analyzed.json["classified"] as? [String: Int]) == ["critical": 2, "important": 2, "standard": 2])

            let invalid: [[String: Any]] = [
                ["custom_patterns": [["pattern": "*", "criticality": "critical", "reason": ""]]],
                ["custom_patterns": [["pattern": "ok", "criticality": "urgent", "reason": ""]]],
                ["classifications": [["machine_id": printer, "criticality": "vital"]]],
                ["custom_context": String(repeating: "x", count: 4001)],
            ]
            for body in invalid {
                #expect(try await api.send(.put, "/api/ai-config", token: admin, json: body).status == .badRequest, "\(body)")
            }
            let foreign = try await api.send(
                .put, "/api/ai-config", token: admin,
                json: [
                    "custom_context": "overwritten?", "classifications": [["machine_id": UUID().uuidString, "criticality": "critical"]],
                ])
            #expect(foreign.status == .notFound)
            let kept = try await api.send(.get, "/api/ai-config", token: admin)
            #expect(
                (kept.json["config"] as? [String: Any])?["custom_context"] as? String == "Entrepôt logistique, WMS critique 24/7.",
                "a refused update saves nothing")
            #expect(try await api.send(.put, "/api/ai-config", token: admin, json: ["auto_detect_enabled": false]).status == .ok)
            #expect(try await api.send(.post, "/api/ai-config/analyze", token: admin).code == "AUTO_DETECT_DISABLED")
            let logged = try await api.database.withClient { db in
                try await db.query(
                    "SELECT count(*)::int FROM activity_logs WHERE message = 'Configuration IA modifiée' AND client_id = \(client)", logger: testLogger
                )
                .decode(Int.self).reduce(into: 0) { $0 = $1 }
            }
            #expect(logged == 3)
        }
    }
}
