import Foundation
import OptralisTestSupport
import Testing

@Suite("Settings page")
struct SettingsPagesTests {
    @Test func an_admin_reads_the_limits_and_changes_the_account_language_and_an_observer_only_reads() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient("Acme Settings")
            let admin = try await web.seedUser(client: client)
            let observer = try await web.seedUser(client: client, role: "observer")
            try await web.sql("INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), 'web-01', now())")
            try await web.sql(
                """
                INSERT INTO notification_channels (client_id, type, name, config, alert_types)
                VALUES (\(client), 'email', 'On-call', '{"emails": ["oncall@acme.test"]}', ARRAY['machine_offline']),
                       (\(client), 'email', 'Everything', '{"emails": ["all@acme.test"]}', ARRAY[]::text[])
                """)
            let admins = WebHarness.Browser(), observers = WebHarness.Browser()
            #expect(try await web.logIn(admin, as: admins).location == "/")
            #expect(try await web.logIn(observer, as: observers).location == "/")

            let page = try await web.get("/settings", as: admins)
            #expect(page.status == .ok && page.text.contains("Acme Settings") && page.text.contains("href=\"/settings\" aria-current=\"page\""))
            #expect(page.text.contains("<td class=\"num\">1 / "), "the machine count against the licence's")
            #expect(page.text.contains("<td class=\"num\">5 min</td>") && page.text.contains("<td class=\"num\">60 s (under load 30 s)</td>"), "\(page.text.prefix(4000))")
            #expect(page.text.contains("<td>On-call</td>") && page.text.contains("<td class=\"wrap\">every alert type</td>"))
            #expect(page.text.contains("href=\"/collection-settings\""))
            let token = try #require(page.field("_csrf"))
            #expect(page.text.contains("<option value=\"en\" selected>English</option>"))

            // A refused language comes back with the api's reason by the field, in either language.
            let refused = try await web.post("/settings/language", form: ["_csrf": token, "language": "de"], as: admins)
            #expect(refused.status == .badRequest && refused.text.contains("<p class=\"field-error\" id=\"language-error\">must be fr or en</p>"),
                    "\(refused.text.prefix(4000))")
            #expect(refused.text.contains("aria-describedby=\"language-error\""))
            admins.set("optralis_lang", "fr")
            let enFrancais = try await web.post("/settings/language", form: ["_csrf": token, "language": "de"], as: admins)
            #expect(enFrancais.text.contains("<p class=\"field-error\" id=\"language-error\">doit être fr ou en</p>"))
            admins.set("optralis_lang", "en")

            // Saved: the account's language in the api, and the next page in it.
            let saved = try await web.post("/settings/language", form: ["_csrf": token, "language": "fr"], as: admins)
            #expect(saved.location == "/settings?done=language", "\(saved.status) \(saved.text.prefix(500))")
            #expect(saved.cookieValue("optralis_lang") == "fr")
            let french = try await web.get("/settings?done=language", as: admins)
            #expect(french.text.contains("Langue enregistrée.") && french.text.contains("<option value=\"fr\" selected>Français</option>"))
            #expect(french.text.contains("tous les types d’alerte"))
            let stored = try await web.database.withClient { db in
                try await db.query("SELECT language FROM users WHERE email = \(admin)", logger: testLogger).decode(String.self).reduce(into: "") { $0 = $1 }
            }
            #expect(stored == "fr")

            // The observer reads without a form; a forged post is refused by the api.
            let read = try await web.get("/settings", as: observers)
            #expect(read.status == .ok && read.text.contains("Acme Settings") && read.text.contains("<td>On-call</td>"))
            #expect(!read.text.contains("data-admin-action") && !read.text.contains("/settings/language"))
            let forged = try await web.post("/settings/language", form: ["_csrf": try #require(read.field("_csrf")), "language": "fr"], as: observers)
            #expect(forged.location == "/settings?failed=FORBIDDEN", "\(forged.status) \(forged.location ?? "")")
            #expect(try await web.post("/settings/language", form: ["_csrf": "forged", "language": "fr"], as: admins).status == .forbidden)
        }
    }
}
