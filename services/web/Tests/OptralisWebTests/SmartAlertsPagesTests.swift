import Foundation
import OptralisTestSupport
import Testing

/// The smart rules' section of `/alerts` and its pages, against the real api.
@Suite("Smart alert rules pages")
struct SmartAlertsPagesTests {
    @Test func below_essentials_the_section_says_which_licence_it_needs() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            let admin = try await web.seedUser(client: client)
            let browser = WebHarness.Browser()
            #expect(try await web.logIn(admin, as: browser).location == "/")
            let page = try await web.get("/alerts", as: browser)
            #expect(
                page.status == .ok && page.text.contains("Smart rules") && page.text.contains("Available from the Essentials licence."),
                "\(page.text.prefix(3000))")
            #expect(!page.text.contains("href=\"/smart-alerts/new\"") && page.text.contains("No alert rule yet."), "the plain rules stay")
        }
    }

    @Test func an_admin_creates_edits_turns_off_and_deletes_a_smart_rule_and_an_observer_only_reads() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            try await web.sql("UPDATE clients SET license_type = 'essentials' WHERE id = \(client)")
            try await web.sql("INSERT INTO groups (client_id, name) VALUES (\(client), 'Databases')")
            let admin = try await web.seedUser(client: client)
            let observer = try await web.seedUser(client: client, role: "observer")
            let admins = WebHarness.Browser(), observers = WebHarness.Browser()
            #expect(try await web.logIn(admin, as: admins).location == "/")
            #expect(try await web.logIn(observer, as: observers).location == "/")

            let empty = try await web.get("/alerts", as: admins)
            #expect(empty.text.contains("No smart rule yet.") && empty.text.contains("href=\"/smart-alerts/new\""), "\(empty.text.prefix(3000))")
            let blank = try await web.get("/smart-alerts/new", as: admins)
            #expect(blank.status == .ok && blank.text.contains("<option value=\"adaptive\" selected>") && blank.text.contains("value=\"3.0\""))
            let group = String(try #require(blank.text.firstMatch(of: /<option value="([0-9a-f-]{36})" >Group Databases/)?.1))
            let token = try #require(blank.field("_csrf"))

            let refused = try await web.post(
                "/smart-alerts",
                form: [
                    "_csrf": token, "name": "Unusual CPU", "metric": "cpu", "mode": "adaptive", "sigma_factor": "9", "duration_minutes": "10",
                    "severity": "warning", "enabled": "on",
                ], as: admins)
            let reason = refused.text.firstMatch(of: /<p class="field-error" id="sigma-error">([^<]+)<\/p>/).map { String($0.1) } ?? ""
            #expect(
                refused.status == .badRequest && reason == "must be from 1 to 6" && refused.text.contains("value=\"9\""),
                "\(reason) \(refused.text.prefix(2000))")

            let created = try await web.post(
                "/smart-alerts",
                form: [
                    "_csrf": token, "name": "Unusual CPU", "metric": "cpu", "mode": "adaptive", "sigma_factor": "2,5", "threshold": "",
                    "duration_minutes": "15", "severity": "critical", "group_id": group, "enabled": "on",
                ], as: admins)
            #expect(created.location == "/alerts?done=1", "\(created.status) \(created.text.prefix(400))")
            let listed = try await web.get("/alerts", as: admins)
            #expect(
                listed.text.contains("CPU (%) above its usual p95 + 2.5σ for 15 min") && listed.text.contains("Group Databases"), "\(listed.text.prefix(4000))")
            #expect(listed.text.contains(">15 min<"), "a critical rule's cooldown")
            let rule = String(try #require(listed.text.firstMatch(of: /href="\/smart-alerts\/([0-9a-f-]{36})\/edit"/)?.1))

            let edit = try await web.get("/smart-alerts/\(rule)/edit", as: admins)
            #expect(
                edit.text.contains("value=\"Unusual CPU\"") && edit.text.contains("<option value=\"critical\" selected>") && edit.text.contains("value=\"2.5\"")
            )
            let edited = try await web.post(
                "/smart-alerts/\(rule)",
                form: [
                    "_csrf": token, "name": "Disk nearly full", "metric": "disk", "mode": "static", "sigma_factor": "2.5", "threshold": "90",
                    "duration_minutes": "30", "severity": "warning", "group_id": "", "enabled": "on",
                ], as: admins)
            #expect(edited.location == "/alerts?done=1", "the sigma_factor left in the form is not sent for a fixed threshold: \(edited.text.prefix(2000))")
            let after = try await web.get("/alerts", as: admins)
            #expect(after.text.contains("Disk (%) above 90.0 for 30 min") && after.text.contains(">60 min<"))

            #expect(try await web.post("/smart-alerts/\(rule)/toggle", form: ["_csrf": token, "enabled": "false"], as: admins).location == "/alerts?done=1")
            #expect(try await web.get("/alerts", as: admins).text.contains("action=\"/smart-alerts/\(rule)/toggle\""))
            let read = try await web.get("/alerts", as: observers)
            #expect(read.text.contains("Disk nearly full") && !read.text.contains("data-admin-action") && !read.text.contains("href=\"/smart-alerts/new\""))
            let forged = try await web.post("/smart-alerts/\(rule)/delete", form: ["_csrf": try #require(read.field("_csrf"))], as: observers)
            #expect(forged.location == "/alerts?failed=FORBIDDEN", "\(forged.status) \(forged.location ?? "")")

            admins.set("optralis_lang", "fr")
            let french = try await web.get("/alerts", as: admins)
            #expect(
                french.text.contains("Règles intelligentes") && french.text.contains("Disque (%) au-dessus de 90.0 pendant 30 min"),
                "\(french.text.prefix(4000))")
            let confirm = try await web.get("/smart-alerts/\(rule)/delete?name=Disk%20nearly%20full", as: admins)
            #expect(confirm.text.contains("Supprimer la règle intelligente « Disk nearly full » ?"))
            #expect(try await web.post("/smart-alerts/\(rule)/delete", form: ["_csrf": token], as: admins).location == "/alerts?done=smart_deleted")
            let gone = try await web.get("/alerts?done=smart_deleted", as: admins)
            #expect(gone.text.contains("Règle intelligente supprimée.") && gone.text.contains("Aucune règle intelligente pour l"))
        }
    }
}
