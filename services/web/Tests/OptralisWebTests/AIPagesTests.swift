import Foundation
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("AI pages")
struct AIPagesTests {
    /// What the Claude double answers: markup in it must come out as text.
    static let narrative = """
        {"summary": "Disk <b>fills</b> up: two days left.", "explanations": ["/var grows 4 GB a day."],
         "recommendations": [{"title": "Rotate the logs", "priority": "high", "details": "Compress and keep 7 days."}], "scripts": []}
        """

    static func machine(_ web: WebHarness, client: UUID, hostname: String, score: Int? = nil, metrics: Bool = false) async throws -> String {
        let id = try await web.database.withClient { db in
            try await db.query(
                "INSERT INTO machines (client_id, hostname, last_seen, health_score) VALUES (\(client), \(hostname), now(), \(score)) RETURNING id",
                logger: testLogger
            ).decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
        }
        if metrics {
            try await web.sql(
                """
                INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent)
                SELECT \(id), t, 30, 50 FROM generate_series(now() - interval '2 days', now() - interval '1 minute', interval '5 minutes') t
                """)
        }
        return id.uuidString.lowercased()
    }

    @Test func an_admin_runs_an_analysis_sees_its_result_and_history_and_generates_a_report_an_observer_reads() async throws {
        try await ClaudeDouble.serve(narrative: Self.narrative) { claudeURL, claude in
            try await WebHarness.run(claude: claudeURL) { web in
                let client = try await web.seedClient()
                try await web.sql("UPDATE clients SET license_type = 'essentials' WHERE id = \(client)")
                let admin = try await web.seedUser(client: client)
                let observer = try await web.seedUser(client: client, role: "observer")
                let machine = try await Self.machine(web, client: client, hostname: "web-01", metrics: true)
                _ = try await Self.machine(web, client: client, hostname: "db-02", score: 42)
                let admins = WebHarness.Browser(), observers = WebHarness.Browser()
                #expect(try await web.logIn(admin, as: admins).location == "/")
                #expect(try await web.logIn(observer, as: observers).location == "/")

                // Scores lowest first, the quota, and the cost and wait of each analysis before running it.
                let page = try await web.get("/ai", as: admins)
                #expect(page.status == .ok && page.text.contains("aria-current=\"page\"><span aria-hidden=\"true\">✦</span> AI"), "\(page.text.prefix(600))")
                let scores = try #require(page.text.range(of: "Fleet health scores")).upperBound
                let low = try #require(page.text.range(of: ">db-02</a>", range: scores..<page.text.endIndex)),
                    high = try #require(page.text.range(of: ">web-01</a>", range: scores..<page.text.endIndex))
                #expect(low.lowerBound < high.lowerBound && page.text.contains("value=\"42\""), "lowest score first")
                #expect(page.text.contains("<strong class=\"num\">300</strong> / 300"), "the Essentials quota, untouched")
                #expect(
                    page.text.contains("Full analysis — 3 unit(s), once every 2 h per machine")
                        && page.text.contains("Predictive maintenance — 5 unit(s), once every 2 h per machine · from Pro"))
                let token = try #require(page.field("_csrf"))

                let run = try await web.post("/ai/analyses", form: ["_csrf": token, "machine_id": machine, "kind": "health_score"], as: admins)
                let location = try #require(run.location, "\(run.status) \(run.text.prefix(2000))")
                #expect(location.hasPrefix("/ai/analyses/"))
                let result = try await web.get(location, as: admins)
                #expect(
                    result.status == .ok && result.text.contains("Disk &lt;b&gt;fills&lt;/b&gt; up: two days left.") && !result.text.contains("<b>fills"),
                    "\(result.text.prefix(3000))")
                #expect(result.text.contains("Rotate the logs") && result.text.contains("high priority") && result.text.contains("/var grows 4 GB a day."))
                #expect(result.text.contains("<dt>Units</dt><dd>1</dd>"), "the cost the form announced is the api's quota_cost")
                #expect(result.text.contains("<h1>Health score — web-01</h1>"))
                let sent = try #require(claude.requests.first)
                #expect(claude.requests.count == 1 && sent.headers[.init("anthropic-version")!] == "2023-06-01")
                #expect(
                    ((sent.body["messages"] as? [[String: Any]])?.first?["content"] as? String)?.contains("web-01") == true, "Claude gets the machine's figures"
                )

                // The history lists it; the quota took its unit.
                let after = try await web.get("/ai", as: admins)
                #expect(
                    after.text.contains("href=\"\(location)\"") && after.text.contains("<strong class=\"num\">299</strong> / 300"), "\(after.text.suffix(2500))"
                )
                #expect(try await web.get("/ai?machine_id=\(machine)", as: admins).text.contains("href=\"\(location)\""))

                // The same analysis again: the cooldown, said with when it ends; a Pro analysis: the licence it needs.
                let again = try await web.post("/ai/analyses", form: ["_csrf": token, "machine_id": machine, "kind": "health_score"], as: admins)
                #expect(
                    again.status == .tooManyRequests && again.text.contains("This analysis of this machine ran recently: it can run again at"),
                    "\(again.status)")
                let pro = try await web.post("/ai/analyses", form: ["_csrf": token, "machine_id": machine, "kind": "degradation"], as: admins)
                #expect(
                    pro.text.contains("<p class=\"notice premium\" role=\"status\">Available from the Pro licence.</p>")
                        && !pro.text.contains("class=\"alert\""), "\(pro.status)")
                let long = try await web.post(
                    "/ai/analyses", form: ["_csrf": token, "machine_id": machine, "kind": "scripts", "issue": String(repeating: "x", count: 1001)], as: admins)
                #expect(
                    long.status == .badRequest && long.text.contains("<p class=\"field-error\" id=\"issue-error\">must be at most 1000 characters</p>"),
                    "\(long.text.prefix(2500))")

                // Reports: generated by the admin, listed, shown and downloaded as the api's file.
                let reports = try await web.get("/ai/reports", as: admins)
                #expect(reports.text.contains("action=\"/ai/reports\"") && reports.text.contains("No report yet."))
                let generated = try await web.post(
                    "/ai/reports", form: ["_csrf": token, "report_type": "daily", "format": "executive", "language": "en", "email_to": ""], as: admins)
                #expect(generated.location == "/ai/reports?done=generated", "\(generated.status) \(generated.text.prefix(1500))")
                let listed = try await web.get("/ai/reports?done=generated", as: observers)
                #expect(listed.text.contains("Report generated.") && !listed.text.contains("action=\"/ai/reports\""), "observers read without the form")
                let report = String(try #require(listed.text.firstMatch(of: /href="\/ai\/reports\/([0-9a-f-]{36})"/)?.1))
                let shown = try await web.get("/ai/reports/\(report)", as: observers)
                #expect(
                    shown.status == .ok && shown.text.contains(">web-01</td>") && shown.text.contains("/ai/reports/\(report)/download"),
                    "\(shown.text.prefix(1500))")
                let file = try await web.get("/ai/reports/\(report)/download", as: observers)
                #expect(file.status == .ok && file.headers[.contentType] == "text/html; charset=utf-8" && file.text.hasPrefix("<!DOCTYPE html>"))
                #expect(file.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"optralis-daily-") == true, "\(file.headers)")
                let forged = try await web.post("/ai/reports", form: ["_csrf": try #require(listed.field("_csrf")), "report_type": "daily"], as: observers)
                #expect(forged.location == "/ai/reports?failed=FORBIDDEN", "the api refuses an observer's report")

                // Observers may run analyses (the api lets them): their page has the form.
                #expect(try await web.get("/ai", as: observers).text.contains("action=\"/ai/analyses\""))
                #expect(
                    try await web.post("/ai/analyses", form: ["_csrf": "forged", "machine_id": machine, "kind": "logs"], as: observers).status == .forbidden)
            }
        }
    }

    @Test func routines_and_triggers_are_created_refused_with_their_reason_edited_and_deleted_and_gated_by_licence() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            try await web.sql("UPDATE clients SET license_type = 'essentials' WHERE id = \(client)")
            let trial = try await web.seedClient()
            try await web.sql(
                "INSERT INTO notification_channels (client_id, type, name, config) VALUES (\(client), 'email', 'On-call', '{\"emails\": [\"oncall@acme.test\"]}')"
            )
            let admins = WebHarness.Browser(), observers = WebHarness.Browser(), trials = WebHarness.Browser()
            #expect(try await web.logIn(try await web.seedUser(client: client), as: admins).location == "/")
            #expect(try await web.logIn(try await web.seedUser(client: client, role: "observer"), as: observers).location == "/")
            #expect(try await web.logIn(try await web.seedUser(client: trial), as: trials).location == "/")

            let gated = try await web.get("/ai/automation", as: trials)
            #expect(gated.status == .ok && gated.text.contains("Available from the Essentials licence.") && !gated.text.contains("action=\"/ai/routines\""))
            #expect(!gated.text.contains("class=\"alert\""), "a licence gate is not an error")

            try await web.sql("INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), 'payroll-01', now())")
            let empty = try await web.get("/ai/automation", as: admins)
            #expect(empty.text.contains("No routine yet.") && empty.text.contains("action=\"/ai/routines\"") && empty.text.contains("action=\"/ai/triggers\""))
            let token = try #require(empty.field("_csrf"))
            let channel = String(try #require(empty.text.firstMatch(of: /name="notify_channels" value="([0-9a-f-]{36})"/)?.1))

            // A refused routine: the api's reason next to the schedule, in English then in French, what was typed kept.
            let routine: [String: String] = [
                "_csrf": token, "routine_type": "daily_report", "schedule": "every morning", "analysis_type": "full", "enabled": "on",
            ]
            let refused = try await web.post("/ai/routines", form: routine, as: admins)
            #expect(refused.status == .badRequest && refused.text.contains("value=\"every morning\"") && refused.text.contains("<details open>"))
            // In English the api's own words.
            #expect(
                refused.text.contains("<p class=\"field-error\" id=\"schedule-error\">invalid cron expression ")
                    && refused.text.contains("or a macro such as @daily, got 2</p>"), "\(refused.text.prefix(4000))")
            #expect(refused.text.contains("aria-describedby=\"routine-schedule-help schedule-error\" aria-invalid=\"true\""))
            admins.set("optralis_lang", "fr")
            let enFrancais = try await web.post("/ai/routines", form: routine, as: admins)
            #expect(
                enFrancais.text.contains(
                    "id=\"schedule-error\">n&#39;est pas une expression cron : 5 champs (minute heure jour mois jour-de-semaine) ou une macro comme @daily sont attendus, 2 donnés</p>"
                )
                    || enFrancais.text.contains(
                        "id=\"schedule-error\">n'est pas une expression cron : 5 champs (minute heure jour mois jour-de-semaine) ou une macro comme @daily sont attendus, 2 donnés</p>"
                    ),
                "\(enFrancais.text.prefix(4000))")
            admins.set("optralis_lang", "en")

            var valid = routine
            valid["schedule"] = "0 8 * * *"
            valid["notify_channels"] = channel
            #expect(try await web.post("/ai/routines", form: valid, as: admins).location == "/ai/automation?done=1")
            let listed = try await web.get("/ai/automation", as: admins)
            #expect(
                listed.text.contains(">Daily report</a>") && listed.text.contains("<code>0 8 * * *</code>") && listed.text.contains("Full analysis"),
                "\(listed.text.prefix(3000))")
            let id = String(try #require(listed.text.firstMatch(of: /href="\/ai\/routines\/([0-9a-f-]{36})"/)?.1))

            // Its history and its edit form; an edit keeps the channel chosen.
            try await web.sql(
                """
                INSERT INTO ai_routine_history (client_id, routine_id, routine_type, status, started_at, completed_at, machines_analyzed, issues_found)
                VALUES (\(client), \(UUID(uuidString: id)!), 'daily_report', 'success', now() - interval '1 hour', now() - interval '1 hour', 25, 3)
                """)
            let detail = try await web.get("/ai/routines/\(id)", as: admins)
            #expect(
                detail.text.contains("25 machines analysed, 3 issues") && detail.text.contains("value=\"0 8 * * *\"")
                    && detail.text.contains("checked> On-call"), "\(detail.text.prefix(3000))")
            var edit = valid
            edit["schedule"] = "30 6 * * *"
            edit["routine_type"] = nil
            // Ticked, one machine: the routine analyses it alone.
            edit["machines"] = String(try #require(detail.text.firstMatch(of: /name="machines" value="([0-9a-f-]{36})" ?> payroll-01/)?.1))
            #expect(try await web.post("/ai/routines/\(id)", form: edit, as: admins).location == "/ai/routines/\(id)?done=1")
            let edited = try await web.get("/ai/routines/\(id)", as: admins)
            #expect(edited.text.contains("<code>30 6 * * *</code>") && edited.text.contains("checked> payroll-01"), "\(edited.text.prefix(4000))")
            let stored = try await web.database.withClient { db in
                try await db.query("SELECT config->'machines'->>0 FROM ai_routines WHERE id = \(UUID(uuidString: id)!)", logger: testLogger)
                    .decode(String?.self).reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(stored == [edit["machines"]])
            #expect(
                try await web.post("/ai/routines/\(id)/toggle", form: ["_csrf": token, "enabled": "false"], as: admins).location == "/ai/automation?done=1")
            #expect(try await web.get("/ai/automation", as: admins).text.contains("Turn on"))

            // A trigger: a condition of another type is refused next to that condition.
            let wrong = try await web.post(
                "/ai/triggers", form: ["_csrf": token, "trigger_type": "new_machine", "cpu_above": "90", "enabled": "on"], as: admins)
            #expect(
                wrong.status == .badRequest
                    && wrong.text.contains("<p class=\"field-error\" id=\"cpu_above-error\">does not apply to new_machine (grace_minutes)</p>"),
                "\(wrong.text.prefix(4000))")
            #expect(
                try await web.post(
                    "/ai/triggers", form: ["_csrf": token, "trigger_type": "critical_machine", "cpu_above": "95", "analysis_type": "full", "enabled": "on"],
                    as: admins
                ).location == "/ai/automation?done=1")
            let triggers = try await web.get("/ai/automation", as: admins)
            #expect(triggers.text.contains(">Critical machine</a>") && triggers.text.contains("CPU above (%) 95"))

            // The observer reads, with no form; a forged post is refused by the api.
            let read = try await web.get("/ai/automation", as: observers)
            #expect(read.text.contains(">Daily report</a>") && !read.text.contains("action=\"/ai/routines\"") && !read.text.contains("data-admin-action"))
            #expect(!(try await web.get("/ai/routines/\(id)", as: observers).text.contains("<form method=\"post\" action=\"/ai/routines/")))
            let forged = try await web.post(
                "/ai/routines", form: ["_csrf": try #require(read.field("_csrf")), "routine_type": "daily_report", "schedule": "@daily"], as: observers)
            #expect(forged.location == "/ai/automation?failed=FORBIDDEN")

            // Deleting asks first.
            #expect(try await web.get("/ai/routines/\(id)/delete", as: admins).text.contains("Delete this routine and its history?"))
            #expect(try await web.post("/ai/routines/\(id)/delete", form: ["_csrf": token], as: admins).location == "/ai/automation?done=deleted")
            #expect(try await web.get("/ai/automation?done=deleted", as: admins).text.contains("No routine yet."))
        }
    }

    @Test func ai_settings_classify_machines_and_take_criticality_overrides_on_enterprise_only() async throws {
        try await WebHarness.run { web in
            let enterprise = try await web.seedClient()
            try await web.sql("UPDATE clients SET license_type = 'enterprise' WHERE id = \(enterprise)")
            let pro = try await web.seedClient()
            try await web.sql("UPDATE clients SET license_type = 'pro' WHERE id = \(pro)")
            let sql = try await Self.machine(web, client: enterprise, hostname: "sql-prod-01")
            let admins = WebHarness.Browser(), observers = WebHarness.Browser(), pros = WebHarness.Browser()
            #expect(try await web.logIn(try await web.seedUser(client: enterprise), as: admins).location == "/")
            #expect(try await web.logIn(try await web.seedUser(client: enterprise, role: "observer"), as: observers).location == "/")
            #expect(try await web.logIn(try await web.seedUser(client: pro), as: pros).location == "/")

            #expect(try await web.get("/ai/settings", as: pros).text.contains("Available from the Enterprise licence."))
            let page = try await web.get("/ai/settings", as: admins)
            #expect(page.text.contains(">sql-prod-01</a>") && page.text.contains("Unclassified"), "\(page.text.prefix(2000))")
            let token = try #require(page.field("_csrf"))
            #expect(try await web.post("/ai/settings/analyze", form: ["_csrf": token], as: admins).location == "/ai/settings?done=classified")
            let classified = try await web.get("/ai/settings?done=classified", as: admins)
            #expect(
                classified.text.contains("Machines classified.") && classified.text.contains("<td>Critical</td><td>its name</td>"),
                "\(classified.text.prefix(3000))")

            #expect(
                try await web.post("/ai/settings/criticality", form: ["_csrf": token, "c_\(sql)": "standard", "was_\(sql)": ""], as: admins).location
                    == "/ai/settings?done=1")
            #expect(try await web.get("/ai/settings", as: admins).text.contains("<td>Standard</td><td>hand</td>"))

            let long = try await web.post(
                "/ai/settings", form: ["_csrf": token, "custom_context": String(repeating: "x", count: 4001), "language": "en"], as: admins)
            #expect(
                long.status == .badRequest && long.text.contains("<p class=\"field-error\" id=\"custom-context-error\">must be at most 4000 characters</p>"))
            #expect(
                try await web.post(
                    "/ai/settings", form: ["_csrf": token, "custom_context": "Payroll runs <b>monthly</b>.", "language": "en", "auto_detect_enabled": "on"],
                    as: admins
                ).location == "/ai/settings?done=1")

            // A pattern of the client's own: refused beside its field, then added, then taken out.
            let badPattern = try await web.post("/ai/settings/patterns", form: ["_csrf": token, "pattern": "a b", "criticality": "critical"], as: admins)
            #expect(
                badPattern.status == .badRequest && badPattern.text.contains("id=\"pattern-error\"") && badPattern.text.contains("value=\"a b\""),
                "\(badPattern.text.prefix(4000))")
            #expect(
                try await web.post(
                    "/ai/settings/patterns", form: ["_csrf": token, "pattern": "payroll-", "criticality": "critical", "reason": "Pays people"],
                    as: admins
                ).location == "/ai/settings?done=1")
            let withPattern = try await web.get("/ai/settings", as: admins)
            #expect(withPattern.text.contains("<code>payroll-</code></td><td>Critical</td><td>Pays people</td>"), "\(withPattern.text.prefix(6000))")
            #expect(try await web.post("/ai/settings/patterns", form: ["_csrf": token, "remove": "payroll-"], as: admins).location == "/ai/settings?done=1")
            #expect(!(try await web.get("/ai/settings", as: admins).text.contains("<code>payroll-</code>")))
            let read = try await web.get("/ai/settings", as: observers)
            #expect(
                read.text.contains("Payroll runs &lt;b&gt;monthly&lt;/b&gt;.") && !read.text.contains("action=\"/ai/settings"), "observers read without a form")
            let forged = try await web.post("/ai/settings/analyze", form: ["_csrf": try #require(read.field("_csrf"))], as: observers)
            #expect(forged.location == "/ai/settings?failed=FORBIDDEN")
        }
    }
}
