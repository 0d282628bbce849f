import Foundation
import OptralisTestSupport
import Testing

@Suite("Sites pages: the comparison, the site form, the machine list's site filter and actions, a channel's site")
struct SitesPagesTests {
    @Test func a_business_admin_creates_sites_moves_machines_compares_them_and_limits_a_channel() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            try await web.sql("UPDATE clients SET license_type = 'business' WHERE id = \(client)")
            let admin = try await web.seedUser(client: client)
            let observer = try await web.seedUser(client: client, role: "observer")
            for (host, score) in [("lyon-01", 90), ("lyon-02", 70), ("paris-01", 40), ("spare-01", 100)] {
                try await web.sql("INSERT INTO machines (client_id, hostname, last_seen, health_score) VALUES (\(client), \(host), now(), \(score))")
            }
            let admins = WebHarness.Browser(), observers = WebHarness.Browser()
            #expect(try await web.logIn(admin, as: admins).location == "/")
            #expect(try await web.logIn(observer, as: observers).location == "/")

            let token = try #require(try await web.get("/sites/new", as: admins).field("_csrf"))
            #expect(
                try await web.post("/sites", form: ["_csrf": token, "name": "Lyon", "location": "Lyon 7e", "timezone": "Europe/Paris"], as: admins).location
                    == "/sites?done=saved")
            #expect(
                try await web.post("/sites", form: ["_csrf": token, "name": "Paris", "location": "", "timezone": "Europe/Paris"], as: admins).location
                    == "/sites?done=saved")
            // The api's refusals next to their fields.
            let duplicate = try await web.post("/sites", form: ["_csrf": token, "name": "Lyon", "location": "", "timezone": "Europe/Paris"], as: admins)
            #expect(duplicate.status == .badRequest && duplicate.text.contains("id=\"name-error\""), "\(duplicate.text.prefix(3000))")
            let zone = try await web.post("/sites", form: ["_csrf": token, "name": "Mars", "location": "", "timezone": "Mars/Olympus"], as: admins)
            #expect(
                zone.status == .badRequest && zone.text.contains("id=\"timezone-error\"") && zone.text.contains("value=\"Mars/Olympus\""),
                "\(zone.text.prefix(3000))")

            // The machine list: a site filter, and the site actions of the batch form.
            let list = try await web.get("/machines?sort=hostname", as: admins)
            func id(_ host: String) throws -> String {
                try #require(
                    list.text.firstMatch(of: try Regex("value=\"([0-9a-f-]{36})\" form=\"batch\" aria-label=\"Select \(host)\""))
                        .map { String($0.output[1].substring ?? "") })
            }
            let lyon = String(try #require(list.text.firstMatch(of: /<option value="([0-9a-f-]{36})">Lyon<\/option>/)?.1))
            let paris = String(try #require(list.text.firstMatch(of: /<option value="([0-9a-f-]{36})">Paris<\/option>/)?.1))
            #expect(list.text.contains("<select id=\"site\" name=\"site_id\">") && list.text.contains("<option value=\"site\">Move to the site</option>"))
            let back = "/machines?sort=hostname"
            for (site, hosts) in [(lyon, ["lyon-01", "lyon-02"]), (paris, ["paris-01"])] {
                let moved = try await web.post(
                    "/machines/batch",
                    fields: [("_csrf", token), ("back", back), ("action", "site"), ("site_id", site)]
                        + (try hosts.map { ("machine_ids", try id($0)) }), as: admins)
                #expect(moved.location == "/machines?sort=hostname&done=batch", "\(moved.status) \(moved.location ?? "")")
            }
            let inLyon = try await web.get("/machines?site_id=\(lyon)", as: admins)
            #expect(
                inLyon.text.contains(">lyon-01<") && inLyon.text.contains(">lyon-02<") && !inLyon.text.contains(">paris-01<"), "\(inLyon.text.prefix(2000))")
            #expect(inLyon.text.contains("<option value=\"\(lyon)\" selected>Lyon</option>"))

            // The comparison: consolidated 66.7 over the three machines of the two sites (the spare
            // machine of no site apart); Lyon 80 first, Paris 40 second and below the whole.
            let sites = try await web.get("/sites", as: admins)
            #expect(sites.status == .ok)
            let page = sites.text.replacingOccurrences(of: "\n", with: " ")
            #expect(page.contains("</meter> 66.7</dd>"), "\(page.prefix(4000))")
            #expect(page.contains("<td class=\"num\">1</td>       <td><strong>Lyon</strong><br><span class=\"muted\">Lyon 7e</span>"), "\(page.prefix(4000))")
            #expect(page.contains("<span class=\"pill critical\">-26.7</span>") && page.contains("+13.3"), "\(page.prefix(4000))")
            #expect(
                page.contains("<a href=\"/machines?site_id=\(lyon)\">2</a>") && page.contains("<div><dt>Machines of no site</dt><dd>1</dd></div>"),
                "\(page.prefix(4000))")

            // A channel limited to Paris, kept on edit; then every site again.
            let channelForm = try await web.get("/notifications/new?type=email", as: admins)
            #expect(
                channelForm.text.contains("<option value=\"\(paris)\" >Paris</option>")
                    || channelForm.text.contains("<option value=\"\(paris)\">Paris</option>"),
                "\(channelForm.text.prefix(3000))")
            #expect(
                try await web.post(
                    "/notifications",
                    fields: [
                        ("_csrf", token), ("type", "email"), ("name", "Paris on-call"), ("emails", "paris@example.com"), ("enabled", "on"),
                        ("alert_types", "machine_offline"), ("site_field", "1"), ("site_id", paris),
                    ], as: admins
                ).location == "/notifications?done=1")
            let stored = try await web.sqlString("SELECT site_id::text FROM notification_channels WHERE name = 'Paris on-call'")
            #expect(stored == paris)
            let channel = try #require(try await web.sqlString("SELECT id::text FROM notification_channels WHERE name = 'Paris on-call'"))
            #expect(try await web.get("/notifications/\(channel)/edit", as: admins).text.contains("<option value=\"\(paris)\" selected>Paris</option>"))
            #expect(
                try await web.post(
                    "/notifications/\(channel)",
                    fields: [
                        ("_csrf", token), ("type", "email"), ("name", "Paris on-call"), ("emails", "paris@example.com"), ("enabled", "on"),
                        ("alert_types", "machine_offline"), ("site_field", "1"), ("site_id", ""),
                    ], as: admins
                ).location == "/notifications?done=1")
            #expect(try await web.sqlString("SELECT coalesce(site_id::text, 'none') FROM notification_channels WHERE name = 'Paris on-call'") == "none")

            // Edited, then deleted after a confirmation: its machines stay, without a site.
            #expect(
                try await web.post(
                    "/sites/\(paris)", form: ["_csrf": token, "name": "Paris La Défense", "location": "", "timezone": "Europe/Paris"], as: admins
                )
                .location == "/sites?done=saved")
            #expect(try await web.get("/sites/\(paris)/edit", as: admins).text.contains("value=\"Paris La Défense\""))
            #expect(try await web.get("/sites/\(paris)/delete?name=Paris", as: admins).text.contains("Delete the site “Paris”?"))
            #expect(try await web.post("/sites/\(paris)/delete", form: ["_csrf": token], as: admins).location == "/sites?done=deleted")
            #expect(try await web.get("/machines", as: admins).text.contains(">paris-01<"))

            // Observers read the comparison without any form; a forged post is refused by the api.
            let read = try await web.get("/sites", as: observers)
            #expect(read.text.contains("<strong>Lyon</strong>") && !read.text.contains("data-admin-action") && !read.text.contains("/sites/new"))
            let forged = try await web.post(
                "/sites", form: ["_csrf": try #require(read.field("_csrf")), "name": "Rogue", "location": "", "timezone": "UTC"], as: observers)
            #expect(forged.status != .seeOther || forged.location?.contains("failed") == true, "\(forged.status) \(forged.location ?? "")")
            #expect(try await web.sqlString("SELECT count(*)::text FROM sites WHERE name = 'Rogue'") == "0")
        }
    }

    @Test func below_business_the_page_names_the_licence_and_the_list_has_no_site_filter() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            try await web.sql("UPDATE clients SET license_type = 'pro' WHERE id = \(client)")
            let admin = try await web.seedUser(client: client)
            let browser = WebHarness.Browser()
            #expect(try await web.logIn(admin, as: browser).location == "/")
            let sites = try await web.get("/sites", as: browser)
            #expect(sites.status == .ok && sites.text.contains("Business") && sites.text.contains("class=\"notice premium\""), "\(sites.text.prefix(3000))")
            #expect(!sites.text.contains("/sites/new"))
            let list = try await web.get("/machines", as: browser)
            #expect(list.status == .ok && !list.text.contains("name=\"site_id\"") && !list.text.contains("Move to the site"))
            #expect(!(try await web.get("/notifications/new?type=email", as: browser).text.contains("name=\"site_id\"")))
        }
    }
}
