import Foundation
import OptralisTestSupport
import Testing

@Suite("Alert rules page")
struct AlertsPagesTests {
    @Test func an_admin_creates_edits_turns_off_and_deletes_a_rule_and_an_observer_only_reads() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            let admin = try await web.seedUser(client: client)
            let observer = try await web.seedUser(client: client, role: "observer")
            try await web.sql(
                "INSERT INTO notification_channels (client_id, type, name, config) VALUES (\(client), 'email', 'On-call', '{\"emails\": [\"oncall@acme.test\"]}')"
            )
            try await web.sql("INSERT INTO groups (client_id, name) VALUES (\(client), 'Databases')")
            try await web.sql("INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), 'db-02', now())")
            let admins = WebHarness.Browser(), observers = WebHarness.Browser()
            #expect(try await web.logIn(admin, as: admins).location == "/")
            #expect(try await web.logIn(observer, as: observers).location == "/")

            let empty = try await web.get("/alerts", as: admins)
            #expect(empty.status == .ok && empty.text.contains("No alert rule yet.") && empty.text.contains("href=\"/alerts/new\""))
            let blank = try await web.get("/alerts/new", as: admins)
            let channel = String(try #require(blank.text.firstMatch(of: /name="channel_ids" value="([0-9a-f-]{36})"/)?.1))
            let group = String(try #require(blank.text.firstMatch(of: /<option value="([0-9a-f-]{36})" >Group Databases/)?.1))
            let token = try #require(blank.field("_csrf"))

            // A refused rule comes back with the api's reason and what was typed.
            let refused = try await web.post(
                "/alerts",
                form: [
                    "_csrf": token, "name": "Hot CPU", "metric": "cpu", "operator": ">", "threshold": "lots", "severity": "critical",
                    "cooldown_minutes": "30", "group_id": group, "channel_ids": channel, "enabled": "on",
                ], as: admins)
            let reason = refused.text.firstMatch(of: /<p class="field-error" id="threshold-error">([^<]+)<\/p>/).map { String($0.1) } ?? ""
            #expect(refused.status == .badRequest && reason == "must be a number" && refused.text.contains("value=\"Hot CPU\""), "\(reason)")
            #expect(refused.text.contains("aria-describedby=\"threshold-error\""))
            #expect(refused.text.contains("value=\"lots\""), "what was typed is kept")
            admins.set("optralis_lang", "fr")
            let enFrancais = try await web.post(
                "/alerts",
                form: [
                    "_csrf": token, "name": "Hot CPU", "metric": "cpu", "operator": ">", "threshold": "90", "severity": "critical",
                    "cooldown_minutes": "2", "channel_ids": channel,
                ], as: admins)
            #expect(
                enFrancais.text.contains("<p class=\"field-error\" id=\"cooldown-error\">doit être entre 5 et 10080</p>"), "\(enFrancais.text.prefix(3000))")
            admins.set("optralis_lang", "en")

            let created = try await web.post(
                "/alerts",
                form: [
                    "_csrf": token, "name": "Hot CPU", "metric": "cpu", "operator": ">", "threshold": "92,5", "severity": "critical",
                    "cooldown_minutes": "30", "group_id": group, "channel_ids": channel, "enabled": "on",
                ], as: admins)
            #expect(created.location == "/alerts?done=1", "\(created.status) \(created.text.prefix(400))")
            let listed = try await web.get("/alerts", as: admins)
            #expect(
                listed.text.contains("CPU (%) &gt; 92.5") && listed.text.contains("Group Databases") && listed.text.contains("On-call"),
                "\(listed.text.prefix(1500))")
            let rule = String(try #require(listed.text.firstMatch(of: /href="\/alerts\/([0-9a-f-]{36})\/edit"/)?.1))

            // Edit: the form shows the rule; the new threshold is saved, the rest kept.
            let edit = try await web.get("/alerts/\(rule)/edit", as: admins)
            #expect(edit.text.contains("value=\"Hot CPU\"") && edit.text.contains("<option value=\"critical\" selected>") && edit.text.contains("checked"))
            let edited = try await web.post(
                "/alerts/\(rule)",
                form: [
                    "_csrf": token, "name": "Hot CPU", "metric": "cpu", "operator": ">=", "threshold": "95", "severity": "warning",
                    "cooldown_minutes": "60", "group_id": group, "channel_ids": channel, "enabled": "on",
                ], as: admins)
            #expect(edited.location == "/alerts?done=1")
            #expect(try await web.get("/alerts", as: admins).text.contains("CPU (%) &gt;= 95.0"))

            // Turned off through the list's button.
            #expect(try await web.post("/alerts/\(rule)/toggle", form: ["_csrf": token, "enabled": "false"], as: admins).location == "/alerts?done=1")
            #expect(try await web.get("/alerts", as: admins).text.contains("Turn on"))

            // The history, all rules or this one's.
            try await web.sql(
                """
                INSERT INTO alert_rule_history (client_id, rule_id, machine_id, rule_name, metric, operator, threshold, severity, triggered_value)
                SELECT \(client), \(UUID(uuidString: rule)!), id, 'Hot CPU', 'cpu', '>=', 95, 'warning', 97.25 FROM machines WHERE hostname = 'db-02'
                """)
            let history = try await web.get("/alerts?rule_id=\(rule)", as: observers)
            #expect(history.text.contains(">db-02</a>") && history.text.contains(">97.3<") && history.text.contains("href=\"/alerts\">All"))

            // The observer reads without a form; a forged post is refused by the api.
            #expect(!history.text.contains("data-admin-action") && !history.text.contains("href=\"/alerts/new\""))
            let forged = try await web.post("/alerts/\(rule)/delete", form: ["_csrf": try #require(history.field("_csrf"))], as: observers)
            #expect(forged.location == "/alerts?failed=FORBIDDEN", "\(forged.status) \(forged.location ?? "")")

            // Deleting asks first, naming the rule.
            let confirm = try await web.get("/alerts/\(rule)/delete?name=Hot%20CPU", as: admins)
            #expect(confirm.text.contains("Delete the rule “Hot CPU”?"))
            #expect(try await web.post("/alerts/\(rule)/delete", form: ["_csrf": token], as: admins).location == "/alerts?done=deleted")
            let gone = try await web.get("/alerts?done=deleted", as: admins)
            #expect(gone.text.contains("Rule deleted.") && gone.text.contains("No alert rule yet."))
            #expect(try await web.post("/alerts/\(rule)/delete", form: ["_csrf": "forged"], as: admins).status == .forbidden)
        }
    }
}
