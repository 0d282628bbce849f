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
            #expect(
                page.text.contains("<td class=\"num\">5 min</td>") && page.text.contains("<td class=\"num\">60 s (under load 30 s)</td>"),
                "\(page.text.prefix(4000))")
            #expect(page.text.contains("<td>On-call</td>") && page.text.contains("<td class=\"wrap\">every alert type</td>"))
            #expect(page.text.contains("href=\"/collection-settings\""))
            let token = try #require(page.field("_csrf"))
            #expect(page.text.contains("<option value=\"en\" selected>English</option>"))

            // A refused language comes back with the api's reason by the field, in either language.
            let refused = try await web.post("/settings/language", form: ["_csrf": token, "language": "de"], as: admins)
            #expect(
                refused.status == .badRequest && refused.text.contains("<p class=\"field-error\" id=\"language-error\">must be fr or en</p>"),
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

    @Test func an_admin_sets_the_daily_summary_and_sees_the_apis_refusals_by_their_fields() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient("Acme Summary")
            let admin = try await web.seedUser(client: client)
            let observer = try await web.seedUser(client: client, role: "observer")
            let admins = WebHarness.Browser(), observers = WebHarness.Browser()
            #expect(try await web.logIn(admin, as: admins).location == "/")
            #expect(try await web.logIn(observer, as: observers).location == "/")

            let page = try await web.get("/settings", as: admins)
            #expect(page.text.contains("id=\"daily-summary\"") && page.text.contains("action=\"/settings/daily-summary\""))
            #expect(page.text.contains("<option value=\"8\" selected>08:00</option>") && page.text.contains("value=\"Europe/Paris\""), "the defaults")
            #expect(page.text.contains("The client's administrators") || page.text.contains("The client&#39;s administrators"))
            let token = try #require(page.field("_csrf"))

            // Refused: each reason by its field, in English and in French.
            let badZone = try await web.post(
                "/settings/daily-summary", form: ["_csrf": token, "enabled": "on", "hour": "7", "timezone": "Mars/Olympus", "recipients": ""], as: admins)
            #expect(badZone.status == .badRequest, "\(badZone.status)")
            #expect(
                badZone.text.contains("<p class=\"field-error\" id=\"summary-timezone-error\">must be an IANA time zone such as Europe/Paris</p>"),
                "\(badZone.text.prefix(6000))")
            #expect(
                badZone.text.contains("value=\"Mars/Olympus\"") && badZone.text.contains("<option value=\"7\" selected>07:00</option>"),
                "the posted values stay")
            admins.set("optralis_lang", "fr")
            let badAddress = try await web.post(
                "/settings/daily-summary", form: ["_csrf": token, "enabled": "on", "hour": "7", "timezone": "Asia/Tokyo", "recipients": "ops@acme.test, nope"],
                as: admins)
            #expect(
                badAddress.text.contains("<p class=\"field-error\" id=\"summary-recipients-error\">nope n’est pas une adresse e-mail valide</p>"),
                "\(badAddress.text.prefix(6000))")
            let frZone = try await web.post("/settings/daily-summary", form: ["_csrf": token, "hour": "7", "timezone": "Mars/Olympus"], as: admins)
            #expect(frZone.text.contains("doit être un fuseau horaire IANA, par exemple Europe/Paris"))
            admins.set("optralis_lang", "en")

            // Saved: in the api, and shown.
            let saved = try await web.post(
                "/settings/daily-summary", form: ["_csrf": token, "hour": "18", "timezone": "Asia/Tokyo", "recipients": "ops@acme.test\ncto@acme.test"],
                as: admins)
            #expect(saved.location == "/settings?done=daily_summary", "\(saved.status) \(saved.text.prefix(500))")
            let stored = try await web.database.withClient { db in
                try await db.query(
                    "SELECT daily_summary_enabled, daily_summary_hour::int, daily_summary_timezone, daily_summary_recipients FROM clients WHERE id = \(client)",
                    logger: testLogger
                ).decode((Bool, Int, String, [String]).self).reduce(into: [String]()) { $0.append("\($1.0) \($1.1) \($1.2) \($1.3.joined(separator: ","))") }
            }
            #expect(stored == ["false 18 Asia/Tokyo ops@acme.test,cto@acme.test"], "an unchecked box turns the summary off")
            let after = try await web.get("/settings?done=daily_summary", as: admins)
            #expect(after.text.contains("Daily summary saved.") && after.text.contains("18:00 <small>(Asia/Tokyo)</small>"))
            #expect(after.text.contains("ops@acme.test, cto@acme.test"))

            // The observer reads the setting without the form; a forged post is refused by the api.
            let read = try await web.get("/settings", as: observers)
            #expect(read.text.contains("18:00 <small>(Asia/Tokyo)</small>") && !read.text.contains("action=\"/settings/daily-summary\""))
            let forged = try await web.post(
                "/settings/daily-summary", form: ["_csrf": try #require(read.field("_csrf")), "hour": "3", "timezone": "UTC"], as: observers)
            #expect(forged.location == "/settings?failed=FORBIDDEN")
        }
    }
}
