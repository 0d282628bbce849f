import Foundation
import OptralisTestSupport
import Testing

@Suite("Admin panel: clients and acting as one")
struct AdminClientsPagesTests {
    @Test func a_super_admin_creates_a_client_acts_as_it_under_a_banner_leaves_and_manages_its_licence() async throws {
        try await WebHarness.run { web in
            let root = try await web.seedUser(client: nil, role: "super_admin")
            let roots = WebHarness.Browser()
            #expect(try await web.logIn(root, as: roots).location == "/")
            let blank = try await web.get("/admin/clients/new", as: roots)
            let token = try #require(blank.field("_csrf"))
            #expect(blank.text.contains("<option value=\"trial\" selected>"), "\(blank.text.prefix(2000))")

            // Refused: the admin's address, beside its field; in French too.
            let refused = try await web.post(
                "/admin/clients", form: ["_csrf": token, "name": "Globex", "license_type": "trial", "language": "en", "email": "nobody"], as: roots)
            #expect(
                refused.status == .badRequest && refused.text.contains("id=\"email-error\"") && refused.text.contains("value=\"Globex\""),
                "\(refused.text.prefix(2500))")
            roots.set("optralis_lang", "fr")
            let french = try await web.post(
                "/admin/clients", form: ["_csrf": token, "name": "Globex", "license_type": "trial", "language": "en", "email": "nobody"], as: roots)
            #expect(french.text.contains("<p class=\"field-error\" id=\"email-error\">n’est pas une adresse e-mail valide</p>"), "\(french.text.prefix(2500))")
            roots.set("optralis_lang", "en")

            let email = "boss-\(UUID().uuidString.prefix(6).lowercased())@globex.test"
            let created = try await web.post(
                "/admin/clients",
                form: [
                    "_csrf": token, "name": "Globex", "license_type": "trial", "language": "en", "email": email, "first_name": "Hank",
                    "license_expires_at": "2031-01-31",
                ], as: roots)
            #expect(
                created.status == .ok && created.text.contains("Client created.") && created.text.contains("value=\"2031-01-31\""),
                "\(created.text.prefix(2500))")
            let password = String(try #require(created.text.firstMatch(of: /id="temporary-password">([^<]+)</)?.1))
            let client = String(try #require(created.text.firstMatch(of: /action="\/admin\/clients\/([0-9a-f-]{36})\/impersonate"/)?.1))
            let boss = WebHarness.Browser()
            #expect(try await web.logIn(email, password: password, as: boss).location != "/login", "the first admin logs in with the password shown")
            try await web.sql("INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(UUID(uuidString: client)!), 'globex-db', now())")

            // Acting as the client: its pages, under a banner; the panel stays the super_admin's.
            let acting = try await web.post("/admin/clients/\(client)/impersonate", form: ["_csrf": token], as: roots)
            #expect(acting.location == "/", "\(acting.status) \(acting.text.prefix(400))")
            let overview = try await web.get("/", as: roots)
            #expect(
                overview.status == .ok && overview.text.contains("You are acting as an administrator of <strong>Globex</strong>"),
                "\(overview.text.prefix(1500))")
            #expect(try await web.get("/machines", as: roots).text.contains(">globex-db<"))
            #expect(try await web.get("/users", as: roots).text.contains(email))
            #expect(try await web.get("/admin/clients", as: roots).status == .ok)
            let left = try await web.post("/admin/leave", form: ["_csrf": token], as: roots)
            #expect(left.location == "/admin/clients#client-\(client)")
            #expect(try await web.get("/", as: roots).location == "/admin")
            #expect(!(try await web.get("/admin", as: roots).text.contains("acting as")))

            // The licence: suspended, extended, a new key.
            let page = try await web.get("/admin/clients/\(client)", as: roots)
            let key = String(try #require(page.text.firstMatch(of: /id="licence-key">([0-9a-f-]{36})</)?.1))
            #expect(
                try await web.post(
                    "/admin/clients/\(client)",
                    form: [
                        "_csrf": token, "name": "Globex Corp", "license_type": "trial", "license_status": "suspended", "language": "fr",
                        "license_expires_at": "2031-01-31",
                    ], as: roots
                ).location == "/admin/clients/\(client)?done=1")
            #expect(try await web.get("/admin/clients", as: roots).text.contains("</span> Suspended</span>"))
            let badDays = try await web.post("/admin/clients/\(client)/extend", form: ["_csrf": token, "days": "9999"], as: roots)
            #expect(
                badDays.status == .badRequest && badDays.text.contains("<p class=\"field-error\" id=\"days-error\">must be between 1 and 3650</p>"),
                "\(badDays.text.prefix(3000))")
            #expect(
                try await web.post("/admin/clients/\(client)/extend", form: ["_csrf": token, "days": "30"], as: roots).location
                    == "/admin/clients/\(client)?done=extended")
            #expect(try await web.get("/admin/clients/\(client)?done=extended", as: roots).text.contains("value=\"2031-03-02\""), "31 Jan + 30 days")
            #expect(
                try await web.post("/admin/clients/\(client)/licence-key", form: ["_csrf": token], as: roots).location == "/admin/clients/\(client)?done=key")
            let rekeyed = try await web.get("/admin/clients/\(client)?done=key", as: roots)
            #expect(rekeyed.text.contains("Licence key replaced.") && !rekeyed.text.contains(key))

            // A client's admin has no panel.
            #expect(try await web.get("/admin/clients", as: boss).status == .forbidden)

            #expect(try await web.get("/admin/clients/\(client)/delete?name=Globex%20Corp", as: roots).text.contains("Delete the client “Globex Corp”"))
            #expect(try await web.post("/admin/clients/\(client)/delete", form: ["_csrf": token], as: roots).location == "/admin/clients?done=deleted")
            #expect(!(try await web.get("/admin/clients", as: roots).text.contains("Globex")))
        }
    }

    /// The client page sets a custom AI quota through the api and the real AI service.
    @Test func a_super_admin_sets_a_clients_ai_quota_and_a_limit_out_of_bounds_is_said_beside_its_field() async throws {
        try await ClaudeDouble.serve(narrative: "unused") { claudeURL, _ in
            try await WebHarness.run(claude: claudeURL) { web in
                let client = try await web.seedClient()
                let root = try await web.seedUser(client: nil, role: "super_admin")
                let roots = WebHarness.Browser()
                #expect(try await web.logIn(root, as: roots).location == "/")
                let page = try await web.get("/admin/clients/\(client.uuidString.lowercased())", as: roots)
                let token = try #require(page.field("_csrf"))
                #expect(page.text.contains("replacing its licence&#39;s: 50."), "the trial licence's quota: \(page.text.prefix(3000))")
                let path = "/admin/clients/\(client.uuidString.lowercased())/ai-quota"
                roots.set("optralis_lang", "fr")
                let tooMany = try await web.post(path, form: ["_csrf": token, "monthly_limit": "200000"], as: roots)
                #expect(tooMany.status == .badRequest && tooMany.text.contains("id=\"quota-error\">doit être"), "\(tooMany.text.prefix(3000))")
                roots.set("optralis_lang", "en")
                #expect(
                    try await web.post(path, form: ["_csrf": token, "monthly_limit": "500"], as: roots).location
                        == "/admin/clients/\(client.uuidString.lowercased())?done=quota")
                let limits = try await web.database.withClient { db in
                    try await db.query("SELECT monthly_limit FROM ai_quotas WHERE client_id = \(client)", logger: testLogger).decode(Int.self).reduce(
                        into: [Int]()
                    ) { $0.append($1) }
                }
                #expect(limits == [500])
            }
        }
    }
}
