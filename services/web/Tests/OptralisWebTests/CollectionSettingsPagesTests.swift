import Foundation
import OptralisTestSupport
import Testing

@testable import OptralisWeb

@Suite("Collection settings page")
struct CollectionSettingsPagesTests {
    @Test func an_admin_scopes_intervals_to_the_client_a_group_and_a_machine_and_sees_the_machines_interval_change() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            let admin = try await web.seedUser(client: client)
            let observer = try await web.seedUser(client: client, role: "observer")
            try await web.sql("INSERT INTO groups (client_id, name) VALUES (\(client), 'Databases')")
            try await web.sql(
                "INSERT INTO machines (client_id, hostname, last_seen, group_id) SELECT \(client), 'db-02', now(), id FROM groups WHERE client_id = \(client)")
            let admins = WebHarness.Browser(), observers = WebHarness.Browser()
            #expect(try await web.logIn(admin, as: admins).location == "/")
            #expect(try await web.logIn(observer, as: observers).location == "/")
            let machinePage = try await web.get("/machines", as: admins)
            let machine = String(try #require(machinePage.text.firstMatch(of: /href="\/machines\/([0-9a-f-]{36})"/)?.1))
            #expect(try await web.get("/machines/\(machine)", as: observers).text.contains("href=\"/collection-settings?machine_id=\(machine)\""))

            /// The machine's metrics interval as the effective section shows it, and where it comes from.
            func effective(_ browser: WebHarness.Browser = admins) async throws -> (metrics: String, source: String) {
                let page = try await web.get("/collection-settings?machine_id=\(machine)", as: browser)
                let metrics = page.text.firstMatch(of: /<td>Metrics<\/td><td class="num">([0-9—]+)<\/td>/).map { String($0.1) } ?? "?"
                let source = page.text.firstMatch(of: /Coming from: <strong>([^<]+)<\/strong>/).map { String($0.1) } ?? "?"
                return (metrics, source)
            }
            #expect(try await effective() == ("10", "the defaults"))

            let blank = try await web.get("/collection-settings/new", as: admins)
            #expect(blank.status == .ok && blank.text.contains("name=\"interval_metrics\" type=\"number\" min=\"5\" max=\"300\""))
            let token = try #require(blank.field("_csrf"))
            let group = String(try #require(blank.text.firstMatch(of: /<option value="([0-9a-f-]{36})" >Databases/)?.1))

            // Refused: the api's reason next to the collector's field, in English and in French.
            let refused = try await web.post(
                "/collection-settings", form: ["_csrf": token, "name": "Fast", "priority": "0", "scope": "global", "interval_metrics": "2"], as: admins)
            #expect(refused.status == .badRequest, "\(refused.status) \(refused.text.prefix(500))")
            #expect(
                refused.text.contains("<p class=\"field-error\" id=\"interval-metrics-error\">interval must be between 5 and 300 seconds</p>"),
                "\(refused.text.prefix(6000))")
            #expect(
                refused.text.contains("aria-describedby=\"bounds-metrics interval-metrics-error\" aria-invalid=\"true\"")
                    && refused.text.contains("value=\"Fast\""))
            admins.set("optralis_lang", "fr")
            let enFrancais = try await web.post(
                "/collection-settings", form: ["_csrf": token, "name": "Fast", "priority": "0", "scope": "global", "interval_network": "often"], as: admins)
            #expect(
                enFrancais.text.contains("<p class=\"field-error\" id=\"interval-network-error\">doit être un nombre entier</p>"),
                "\(enFrancais.text.prefix(6000))")
            #expect(enFrancais.text.contains("value=\"often\""), "what was typed is kept")
            let noGroup = try await web.post(
                "/collection-settings", form: ["_csrf": token, "name": "Fast", "priority": "0", "scope": "group", "group_id": "", "interval_metrics": "20"],
                as: admins)
            #expect(noGroup.text.contains("<p class=\"field-error\" id=\"group-error\">doit être choisi dans la liste</p>"), "\(noGroup.text.prefix(6000))")
            admins.set("optralis_lang", "en")
            // The bounds the form shows are the api's: one past each maximum is refused naming them.
            for bound in CollectionSettingsController.bounds {
                let past = try await web.post(
                    "/collection-settings",
                    form: ["_csrf": token, "name": "Past", "scope": "global", "interval_\(bound.collector)": String(bound.maximum + 1)],
                    as: admins)
                #expect(
                    past.text.contains("id=\"interval-\(bound.collector)-error\">interval must be between \(bound.minimum) and \(bound.maximum) seconds<"),
                    "\(bound.collector)")
            }

            // The whole client, then its group, then the machine: the most specific wins.
            let fleet = try await web.post(
                "/collection-settings", form: ["_csrf": token, "name": "Fleet", "priority": "0", "scope": "global", "interval_metrics": "30"], as: admins)
            #expect(fleet.location == "/collection-settings?done=1", "\(fleet.status) \(fleet.text.prefix(500))")
            #expect(try await effective() == ("30", "a setting for the whole client"))
            let databases = try await web.post(
                "/collection-settings",
                form: ["_csrf": token, "name": "Databases", "priority": "0", "scope": "group", "group_id": group, "interval_metrics": "20"], as: admins)
            #expect(databases.location == "/collection-settings?done=1")
            #expect(try await effective() == ("20", "a group setting"))
            let fromMachine = try await web.get("/collection-settings/new?machine_id=\(machine)", as: admins)
            #expect(fromMachine.text.contains("<option value=\"\(machine)\" selected>db-02</option>") && fromMachine.text.contains("value=\"machine\" checked"))
            let own = try await web.post(
                "/collection-settings",
                form: [
                    "_csrf": token, "name": "db-02 fast", "priority": "0", "scope": "machine", "machine_id": machine, "interval_metrics": "5",
                    "enabled_software": "off", "return_machine_id": machine,
                ], as: admins)
            #expect(own.location == "/collection-settings?machine_id=\(machine)&done=1", "\(own.status) \(own.location ?? "")")
            let shown = try await web.get("/collection-settings?machine_id=\(machine)", as: admins)
            #expect(try await effective() == ("5", "a setting for this machine") && shown.text.contains("“db-02 fast”"))
            #expect(shown.text.contains("<td>Software</td><td class=\"num\">14400</td><td>no</td>"), "\(shown.text.prefix(3000))")
            #expect(
                shown.text.contains("<td>Machine db-02</td>") && shown.text.contains("<td>Group Databases</td>")
                    && shown.text.contains("<td>The whole client</td>"))
            let id = String(try #require(shown.text.firstMatch(of: /href="\/collection-settings\/([0-9a-f-]{36})\/delete\?name=db-02 fast"/)?.1))

            // Edit: the form shows the setting, its scope fixed; the new interval is in force.
            let edit = try await web.get("/collection-settings/\(id)/edit", as: admins)
            #expect(edit.text.contains("value=\"db-02 fast\"") && edit.text.contains("<strong>Machine db-02</strong>") && edit.text.contains("value=\"5\""))
            #expect(edit.text.contains("<option value=\"off\" selected>off</option>"))
            let refusedEdit = try await web.post(
                "/collection-settings/\(id)", form: ["_csrf": token, "name": "db-02 fast", "priority": "x", "interval_metrics": "15"], as: admins)
            #expect(
                refusedEdit.text.contains("<p class=\"field-error\" id=\"priority-error\">must be an integer</p>")
                    && refusedEdit.text.contains("<strong>Machine db-02</strong>"),
                "\(refusedEdit.text.prefix(5000))")
            let edited = try await web.post(
                "/collection-settings/\(id)", form: ["_csrf": token, "name": "db-02 fast", "priority": "0", "interval_metrics": "15"], as: admins)
            #expect(edited.location == "/collection-settings?done=1")
            #expect(try await effective() == ("15", "a setting for this machine"))

            // The observer reads without a form; a forged post is refused by the api.
            let read = try await web.get("/collection-settings?machine_id=\(machine)", as: observers)
            #expect(read.status == .ok && read.text.contains("db-02 fast") && read.text.contains("<td class=\"num\">15</td>"))
            #expect(!read.text.contains("data-admin-action") && !read.text.contains("/collection-settings/new"))
            let observerToken = try #require(read.field("_csrf"))
            let forged = try await web.post("/collection-settings/\(id)/delete", form: ["_csrf": observerToken], as: observers)
            #expect(forged.location == "/collection-settings?failed=FORBIDDEN", "\(forged.status) \(forged.location ?? "")")
            let forgedCreate = try await web.post(
                "/collection-settings", form: ["_csrf": observerToken, "name": "Mine", "scope": "global", "interval_metrics": "5"], as: observers)
            #expect(forgedCreate.location == "/collection-settings?failed=FORBIDDEN")

            // Deleting asks first; the machine goes back to its group's setting.
            let confirm = try await web.get("/collection-settings/\(id)/delete?name=db-02%20fast", as: admins)
            #expect(confirm.text.contains("Delete the collection setting “db-02 fast”?"))
            #expect(try await web.post("/collection-settings/\(id)/delete", form: ["_csrf": token], as: admins).location == "/collection-settings?done=deleted")
            #expect(try await web.get("/collection-settings?done=deleted", as: admins).text.contains("Setting deleted."))
            #expect(try await effective(observers) == ("20", "a group setting"))
            #expect(try await web.post("/collection-settings/\(id)/delete", form: ["_csrf": "forged"], as: admins).status == .forbidden)
        }
    }
}
