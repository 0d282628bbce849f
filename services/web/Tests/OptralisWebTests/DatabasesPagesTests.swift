import Foundation
import OptralisTestSupport
import Testing

@Suite("Databases pages: the list, the add and edit form, the detail, the licence")
struct DatabasesPagesTests {
    @Test func a_pro_admin_adds_edits_reads_and_deletes_a_database_and_never_sees_its_password() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            try await web.sql("UPDATE clients SET license_type = 'pro' WHERE id = \(client)")
            let admin = try await web.seedUser(client: client)
            let observer = try await web.seedUser(client: client, role: "observer")
            try await web.sql("INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), 'db-host-01', now())")
            let machine = try #require(try await web.sqlString("SELECT id::text FROM machines WHERE hostname = 'db-host-01'"))
            let admins = WebHarness.Browser(), observers = WebHarness.Browser()
            #expect(try await web.logIn(admin, as: admins).location == "/")
            #expect(try await web.logIn(observer, as: observers).location == "/")

            let empty = try await web.get("/databases", as: admins)
            #expect(
                empty.status == .ok && empty.text.contains("No database monitored yet.") && empty.text.contains("href=\"/databases/new\""),
                "\(empty.text.prefix(3000))")
            let form = try await web.get("/databases/new", as: admins)
            #expect(
                form.text.contains("<option value=\"\(machine)\" >db-host-01</option>")
                    || form.text.contains("<option value=\"\(machine)\">db-host-01</option>"),
                "\(form.text.prefix(4000))")
            let token = try #require(form.field("_csrf"))
            let secret = " Secret pass 42 "
            var fields: [String: String] = [
                "_csrf": token, "name": "Shop", "machine_id": machine, "engine": "postgresql", "host": "127.0.0.1", "port": "70000",
                "database_name": "shop", "username": "monitor", "password": secret, "enabled": "on",
            ]
            let refused = try await web.post("/databases", form: fields, as: admins)
            #expect(refused.status == .badRequest && refused.text.contains("id=\"port-error\""), "\(refused.text.prefix(3000))")
            #expect(!refused.text.contains("Secret pass"), "a refused form does not echo the password")
            fields["port"] = "5432"
            #expect(try await web.post("/databases", form: fields, as: admins).location == "/databases?done=saved")
            let stored = try await web.sqlString("SELECT encode(password_sealed, 'hex') FROM monitored_databases WHERE name = 'Shop'")
            #expect(stored != nil && stored?.contains(Data(secret.utf8).map { String(format: "%02x", $0) }.joined()) == false)

            let list = try await web.get("/databases", as: admins)
            let id = try #require(list.text.firstMatch(of: /href="\/databases\/([0-9a-f-]{36})"/).map { String($0.1) }, "\(list.text.prefix(3000))")
            #expect(list.text.contains("<strong>Shop</strong>") && list.text.contains("PostgreSQL · 127.0.0.1:5432 · shop") && list.text.contains("(1 / 1)"))
            #expect(list.text.contains("number of monitored databases is reached"), "Pro monitors one database")
            #expect(!list.text.contains("Secret pass"))

            let detail = try await web.get("/databases/\(id)", as: admins)
            #expect(detail.status == .ok && detail.text.contains("Latest figures") && detail.text.contains("db-host-01"), "\(detail.text.prefix(3000))")
            #expect(detail.text.contains("No figure collected in the last 24 hours.") && !detail.text.contains("Secret pass"))

            let edit = try await web.get("/databases/\(id)/edit", as: admins)
            #expect(
                edit.text.contains("value=\"Shop\"") && edit.text.contains("Leave empty to keep the stored password.") && !edit.text.contains("Secret pass"))
            fields["name"] = "Orders"
            fields["password"] = ""
            #expect(try await web.post("/databases/\(id)", form: fields, as: admins).location == "/databases?done=saved")
            #expect(
                try await web.sqlString("SELECT name || ':' || (password_sealed IS NOT NULL)::text FROM monitored_databases") == "Orders:true",
                "an empty password field keeps the stored one")

            let read = try await web.get("/databases", as: observers)
            #expect(read.text.contains("<strong>Orders</strong>") && !read.text.contains("data-admin-action") && !read.text.contains("/databases/new"))

            #expect(try await web.get("/databases/\(id)/delete?name=Orders", as: admins).text.contains("Stop monitoring “Orders”?"))
            #expect(try await web.post("/databases/\(id)/delete", form: ["_csrf": token], as: admins).location == "/databases?done=deleted")
            #expect(try await web.sqlString("SELECT count(*)::text FROM monitored_databases") == "0")
        }
    }

    @Test func below_pro_the_page_names_the_licence() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            try await web.sql("UPDATE clients SET license_type = 'essentials' WHERE id = \(client)")
            let browser = WebHarness.Browser()
            #expect(try await web.logIn(try await web.seedUser(client: client), as: browser).location == "/")
            let page = try await web.get("/databases", as: browser)
            #expect(
                page.status == .ok && page.text.contains("Pro") && page.text.contains("class=\"notice premium\"") && !page.text.contains("/databases/new"),
                "\(page.text.prefix(3000))")
            #expect(page.text.contains("href=\"/databases\""), "in the navigation")
        }
    }
}
