import Foundation
import OptralisTestSupport
import Testing

@Suite("Groups, labels and the machine list's batch actions")
struct MachineSetsPagesTests {
    @Test func an_admin_creates_a_group_and_a_label_and_assigns_them_from_the_machine_list() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            let admin = try await web.seedUser(client: client)
            let observer = try await web.seedUser(client: client, role: "observer")
            for host in ["db-01", "db-02", "web-01"] {
                try await web.sql("INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), \(host), now())")
            }
            let admins = WebHarness.Browser(), observers = WebHarness.Browser()
            #expect(try await web.logIn(admin, as: admins).location == "/")
            #expect(try await web.logIn(observer, as: observers).location == "/")

            let token = try #require(try await web.get("/groups/new", as: admins).field("_csrf"))
            #expect(try await web.post("/groups", form: ["_csrf": token, "name": "Databases", "color": "#aa3355"], as: admins).location == "/groups?done=1")
            let duplicate = try await web.post("/groups", form: ["_csrf": token, "name": "Databases", "color": "#aa3355"], as: admins)
            #expect(
                duplicate.status == .badRequest && duplicate.text.contains("<p class=\"field-error\" id=\"set-error\">a group with this name exists</p>"),
                "\(duplicate.text.prefix(2000))")
            #expect(try await web.post("/labels", form: ["_csrf": token, "key": "env", "color": "#22aa66"], as: admins).location == "/labels?done=1")
            admins.set("optralis_lang", "fr")
            let empty = try await web.post("/labels", form: ["_csrf": token, "key": "", "color": "#22aa66"], as: admins)
            #expect(empty.text.contains("<p class=\"field-error\" id=\"set-error\">doit compter de 1 à 50 caractères</p>"), "\(empty.text.prefix(2000))")
            admins.set("optralis_lang", "en")

            // The machine list: a tick box per row and the batch form, for admins.
            let list = try await web.get("/machines?sort=hostname", as: admins)
            func id(_ host: String) throws -> String {
                try #require(
                    list.text.firstMatch(of: try Regex("value=\"([0-9a-f-]{36})\" form=\"batch\" aria-label=\"Select \(host)\""))
                        .map { String($0.output[1].substring ?? "") })
            }
            let (db1, db2, web1) = (try id("db-01"), try id("db-02"), try id("web-01"))
            let group = String(try #require(list.text.firstMatch(of: /<option value="([0-9a-f-]{36})">Databases<\/option>/)?.1))
            let label = String(try #require(list.text.firstMatch(of: /<option value="([0-9a-f-]{36})">env<\/option>/)?.1))
            let back = "/machines?sort=hostname"

            let moved = try await web.post(
                "/machines/batch",
                fields: [
                    ("_csrf", token), ("back", back), ("action", "group"), ("group_id", group), ("machine_ids", db1), ("machine_ids", db2),
                ], as: admins)
            #expect(moved.location == "/machines?sort=hostname&done=batch", "\(moved.status) \(moved.location ?? "")")
            #expect(try await web.get(moved.location ?? "/", as: admins).text.contains("Machines updated."))
            let labelled = try await web.post(
                "/machines/batch",
                fields: [
                    ("_csrf", token), ("back", back), ("action", "label"), ("label_id", label), ("label_value", "prod"),
                    ("machine_ids", db1), ("machine_ids", db2), ("machine_ids", web1),
                ], as: admins)
            #expect(labelled.location == "/machines?sort=hostname&done=batch")
            #expect(
                try await web.post(
                    "/machines/batch", fields: [("_csrf", token), ("back", back), ("action", "unlabel"), ("label_id", label), ("machine_ids", web1)],
                    as: admins
                ).location == "/machines?sort=hostname&done=batch")
            let nothing = try await web.post(
                "/machines/batch", fields: [("_csrf", token), ("back", "//evil.test/x"), ("action", "group"), ("group_id", group)], as: admins)
            #expect(nothing.location == "/machines?failed=NO_SELECTION")

            // The counts, each a link to the list filtered by it.
            let groups = try await web.get("/groups", as: admins)
            #expect(
                groups.text.contains("<a href=\"/machines?group_id=\(group)\">2</a>") && groups.text.contains("fill=\"#aa3355\""), "\(groups.text.prefix(3000))"
            )
            let labels = try await web.get("/labels", as: admins)
            #expect(labels.text.contains("<a href=\"/machines?label=env\">2</a>"), "\(labels.text.prefix(3000))")
            let prod = try await web.get("/machines?label=env%3Dprod", as: admins)
            #expect(prod.text.contains(">db-01<") && prod.text.contains(">db-02<") && !prod.text.contains(">web-01<"))
            // The list as filtered, exported: the api's CSV, passed on as a download.
            #expect(prod.text.contains("href=\"/machines/export?label=env&amp;label_value=prod\""), "\(prod.text.prefix(2000))")
            let csv = try await web.get("/machines/export?label=env&label_value=prod", as: admins)
            #expect(
                csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true
                    && csv.headers[.contentDisposition]?.contains("attachment") == true)
            #expect(csv.text.contains("db-01") && csv.text.contains("db-02") && !csv.text.contains("web-01"), "\(csv.text.prefix(500))")

            // Renamed; deleted after a confirmation, its machines staying.
            #expect(
                try await web.post("/groups/\(group)", form: ["_csrf": token, "name": "Databases (prod)", "color": "#aa3355"], as: admins).location
                    == "/groups?done=1")
            #expect(try await web.get("/groups/\(group)/edit", as: admins).text.contains("value=\"Databases (prod)\""))
            #expect(try await web.get("/groups/\(group)/delete?name=Databases", as: admins).text.contains("Delete the group “Databases”?"))
            #expect(try await web.post("/groups/\(group)/delete", form: ["_csrf": token], as: admins).location == "/groups?done=deleted")
            #expect(try await web.get("/machines", as: admins).text.contains(">db-01<"))

            // Observers: no tick boxes, no forms; a forged batch is refused by the api.
            let read = try await web.get("/machines", as: observers)
            #expect(!read.text.contains("form=\"batch\"") && !read.text.contains("action=\"/machines/batch\""))
            #expect(!(try await web.get("/labels", as: observers).text.contains("data-admin-action")))
            let forged = try await web.post(
                "/machines/batch",
                fields: [
                    ("_csrf", try #require(read.field("_csrf"))), ("back", "/machines"), ("action", "unlabel"), ("label_id", label), ("machine_ids", db1),
                ], as: observers)
            #expect(forged.location == "/machines?failed=FORBIDDEN")
        }
    }
}
