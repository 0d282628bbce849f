import Foundation
import OptralisTestSupport
import Testing

@Suite("Admin panel: the activity log and every client's machines")
struct AdminFleetPagesTests {
    @Test func the_activity_log_filters_pages_and_counts() async throws {
        try await WebHarness.run { web in
            let acme = try await web.seedClient("Acme"), globex = try await web.seedClient("Globex")
            try await web.sql(
                """
                INSERT INTO activity_logs (level, category, message, client_id, metadata)
                VALUES ('warn', 'certificate', 'Certificat révoqué', \(acme), '{"serial": "0A11"}')
                """)
            try await web.sql(
                "INSERT INTO activity_logs (timestamp, level, category, message, client_id) VALUES (now() - INTERVAL '3 days', 'info', 'auth', 'Old sign-in', \(globex))"
            )
            try await web.sql("INSERT INTO activity_logs (level, category, message) SELECT 'info', 'system', 'Tick ' || n FROM generate_series(1, 60) n")
            let root = WebHarness.Browser()
            #expect(try await web.logIn(try await web.seedUser(client: nil, role: "super_admin"), as: root).location == "/")

            let all = try await web.get("/admin/activity", as: root)
            #expect(all.status == .ok && all.text.contains("href=\"/admin/activity\" aria-current=\"page\""))
            #expect(all.text.contains("<option value=\"\(globex.uuidString.lowercased())\" >Globex</option>"), "the client filter")
            let certificates = try await web.get("/admin/activity?category=certificate", as: root)
            #expect(certificates.text.contains("Certificat révoqué") && certificates.text.contains("serial=0A11") && !certificates.text.contains("Old sign-in"))
            #expect(certificates.text.contains("<a href=\"/admin/activity?client_id=\(acme.uuidString.lowercased())\">Acme</a>"))
            let globexOnly = try await web.get("/admin/activity?client_id=\(globex.uuidString.lowercased())", as: root)
            #expect(globexOnly.text.contains("Old sign-in") && !globexOnly.text.contains("Certificat révoqué"))
            let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
            let recent = try await web.get("/admin/activity?client_id=\(globex.uuidString.lowercased())&from=\(today)", as: root)
            #expect(recent.text.contains("No entry matches."), "the entry of 3 days ago is before the day chosen")
            let warnings = try await web.get("/admin/activity?level=warn", as: root)
            #expect(warnings.text.contains("Certificat révoqué") && !warnings.text.contains("Tick 1<"))

            // 60 system entries: two pages, the filter kept in the links.
            let first = try await web.get("/admin/activity?category=system", as: root)
            #expect(
                first.text.contains("60 entries match") && first.text.contains("href=\"/admin/activity?category=system&amp;page=2\""),
                "\(first.text.prefix(4000))")
            let second = try await web.get("/admin/activity?category=system&page=2", as: root)
            #expect(second.text.contains("Page 2 / 2") && second.text.matches(of: /<td class="message">Tick \d+<\/td>/).count == 10)

            // The counts: per level, and the category links.
            #expect(
                all.text.contains("<span class=\"label\">Warning</span>")
                    && all.text.contains("<a href=\"/admin/activity?category=certificate\">Certificates</a>"))

            let refused = try await web.get("/admin/activity?from=yesterday", as: root)
            #expect(
                refused.status == .badRequest && refused.text.contains("<p class=\"field-error\" id=\"from-error\">must be an ISO 8601 date-time</p>"),
                "\(refused.text.prefix(3000))")
        }
    }

    @Test func a_super_admin_lists_every_clients_machines_and_changes_their_channel_in_bulk() async throws {
        try await WebHarness.run { web in
            let acme = try await web.seedClient("Acme"), globex = try await web.seedClient("Globex"), big = try await web.seedClient("Zeta")
            for (client, host) in [(acme, "db-01"), (acme, "db-02"), (globex, "web-01")] {
                try await web.sql("INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), \(host), now())")
            }
            try await web.sql("INSERT INTO machines (client_id, hostname) SELECT \(big), 'node-' || lpad(n::text, 3, '0') FROM generate_series(1, 101) n")
            func channels() async throws -> [String: String] {
                try await web.database.withClient { db in
                    try await db.query("SELECT hostname, update_channel FROM machines WHERE hostname NOT LIKE 'node-%'", logger: testLogger)
                        .decode((String, String).self).reduce(into: [String: String]()) { $0[$1.0] = $1.1 }
                }
            }
            let root = WebHarness.Browser()
            #expect(try await web.logIn(try await web.seedUser(client: nil, role: "super_admin"), as: root).location == "/")

            let page = try await web.get("/admin/machines", as: root)
            #expect(page.status == .ok && page.text.contains("href=\"/admin/machines\" aria-current=\"page\"") && page.text.contains("104 machine(s)"))
            #expect(page.text.contains("<a href=\"/admin/clients#client-\(globex.uuidString.lowercased())\">Globex</a>"), "each machine links to its client")
            #expect(page.text.contains("href=\"/admin/machines?page=2\""), "100 a page")
            let token = try #require(page.field("_csrf"))
            let acmeOnly = try await web.get("/admin/machines?client_id=\(acme.uuidString.lowercased())", as: root)
            #expect(acmeOnly.text.contains("<td>db-01</td>") && !acmeOnly.text.contains("<td>web-01</td>"))
            let db1 = String(try #require(acmeOnly.text.firstMatch(of: /value="([0-9a-f-]{36})" form="bulk" aria-label="Select db-01"/)?.1))

            // The rows ticked.
            let ticked = try await web.post(
                "/admin/machines/bulk-channel",
                fields: [
                    ("_csrf", token), ("client_id", acme.uuidString.lowercased()), ("search", ""), ("scope", "selected"), ("channel", "beta"),
                    ("machine_ids", db1),
                ], as: root)
            #expect(ticked.location == "/admin/machines?client_id=\(acme.uuidString.lowercased())&done=bulk")
            #expect(try await channels() == ["db-01": "beta", "db-02": "stable", "web-01": "stable"])
            #expect(try await web.get(ticked.location ?? "/", as: root).text.contains("Update channel set."))

            // Every machine the filters match, beyond one page.
            let filtered = try await web.post(
                "/admin/machines/bulk-channel",
                fields: [
                    ("_csrf", token), ("client_id", big.uuidString.lowercased()), ("search", "node"), ("scope", "filter"), ("channel", "beta"),
                ], as: root)
            #expect(filtered.location == "/admin/machines?client_id=\(big.uuidString.lowercased())&search=node&done=bulk")
            let betas = try await web.database.withClient { db in
                try await db.query("SELECT count(*)::int FROM machines WHERE client_id = \(big) AND update_channel = 'beta'", logger: testLogger)
                    .decode(Int.self).reduce(0, +)
            }
            #expect(betas == 101)
            #expect(try await channels()["web-01"] == "stable", "other clients untouched")

            let nothing = try await web.post("/admin/machines/bulk-channel", fields: [("_csrf", token), ("scope", "selected"), ("channel", "beta")], as: root)
            #expect(nothing.location == "/admin/machines?failed=NO_SELECTION")
            let badChannel = try await web.post(
                "/admin/machines/bulk-channel", fields: [("_csrf", token), ("scope", "selected"), ("channel", "nightly"), ("machine_ids", db1)],
                as: root)
            #expect(badChannel.location == "/admin/machines?failed=VALIDATION_ERROR")
        }
    }
}
