import Foundation
import OptralisTestSupport
import Testing

@Suite("Admin panel: licence types")
struct AdminLicenceTypesPagesTests {
    @Test func a_super_admin_creates_edits_and_deletes_a_licence_type_and_one_in_use_stays() async throws {
        try await WebHarness.run { web in
            let root = try await web.seedUser(client: nil, role: "super_admin")
            let roots = WebHarness.Browser()
            #expect(try await web.logIn(root, as: roots).location == "/")
            let token = try #require(try await web.get("/admin/licence-types/new", as: roots).field("_csrf"))
            let fields = [
                "_csrf": token, "code": "team_plus", "name": "Team+", "tier_level": "2", "max_machines": "", "metrics_retention_days": "90",
                "events_retention_days": "30", "ai_monthly_quota": "50", "is_active": "on",
            ]

            var bad = fields
            bad["code"] = "Team Plus"
            let refused = try await web.post("/admin/licence-types", form: bad, as: roots)
            #expect(
                refused.status == .badRequest && refused.text.contains("id=\"code-error\"") && refused.text.contains("value=\"Team+\""),
                "\(refused.text.prefix(2500))")
            var quota = fields
            quota["ai_monthly_quota"] = "-1"
            roots.set("optralis_lang", "fr")
            let negative = try await web.post("/admin/licence-types", form: quota, as: roots)
            #expect(negative.status == .badRequest && negative.text.contains("id=\"ai_monthly_quota-error\""), "\(negative.text.prefix(3000))")
            roots.set("optralis_lang", "en")

            #expect(try await web.post("/admin/licence-types", form: fields, as: roots).location == "/admin/licence-types?done=1")
            let listed = try await web.get("/admin/licence-types", as: roots)
            #expect(
                listed.text.contains("<code>team_plus</code></td><td>Team+</td><td class=\"num\">2</td><td class=\"num\">unlimited</td>"),
                "\(listed.text.prefix(3000))")
            let id = String(try #require(listed.text.firstMatch(of: /href="\/admin\/licence-types\/([0-9a-f-]{36})\/delete\?name=team_plus"/)?.1))

            var edited = fields
            edited["max_machines"] = "25"
            #expect(try await web.post("/admin/licence-types/\(id)", form: edited, as: roots).location == "/admin/licence-types?done=1")
            #expect(try await web.get("/admin/licence-types/\(id)/edit", as: roots).text.contains("name=\"max_machines\" type=\"number\" value=\"25\""))

            // In use by a client: refused, said plainly; unused: deleted.
            let client = try await web.seedClient()
            try await web.sql("UPDATE clients SET license_type = 'team_plus' WHERE id = \(client)")
            let inUse = try await web.post("/admin/licence-types/\(id)/delete", form: ["_csrf": token], as: roots)
            #expect(inUse.location == "/admin/licence-types?failed=LICENSE_TYPE_IN_USE")
            #expect(try await web.get(inUse.location ?? "/", as: roots).text.contains("Clients still have this licence type"))
            try await web.sql("UPDATE clients SET license_type = 'trial' WHERE id = \(client)")
            #expect(try await web.post("/admin/licence-types/\(id)/delete", form: ["_csrf": token], as: roots).location == "/admin/licence-types?done=deleted")
            #expect(!(try await web.get("/admin/licence-types", as: roots).text.contains("team_plus")))
        }
    }
}
