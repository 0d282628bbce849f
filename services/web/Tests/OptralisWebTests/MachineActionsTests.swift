import Foundation
import OptralisTestSupport
import Testing

@Suite("Machine page: tabs and admin actions")
struct MachineActionsTests {
    @Test func admins_act_on_a_machine_observers_see_no_action_and_the_api_refuses_theirs() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            let admin = try await web.seedUser(client: client)
            let observer = try await web.seedUser(client: client, role: "observer")
            try await web.sql("INSERT INTO machines (client_id, hostname, os, last_seen) VALUES (\(client), 'disk-07', 'linux', now())")
            let storage = try TestEnvironment.collectFixture("storage_health")
            let services =
                #"{"services": [{"name": "nginx.service", "display_name": "nginx", "state": "active", "sub_state": "running"}, {"name": "backup.service", "display_name": "Nightly backup", "state": "failed", "sub_state": "failed"}]}"#
            try await web.sql(
                """
                INSERT INTO machine_collector_data (machine_id, collector, data)
                SELECT id, 'storage_health', \(storage)::jsonb FROM machines WHERE hostname = 'disk-07'
                UNION ALL SELECT id, 'services', \(services)::jsonb FROM machines WHERE hostname = 'disk-07'
                """)
            let admins = WebHarness.Browser(), observers = WebHarness.Browser()
            #expect(try await web.logIn(admin, as: admins).location == "/")
            #expect(try await web.logIn(observer, as: observers).location == "/")
            let list = try await web.get("/machines", as: admins)
            let id = String(try #require(list.text.firstMatch(of: /href="\/machines\/([0-9a-f-]{36})"/)?.1))

            // Tabs, each a URL: the failing disk with its reallocated sectors; the failed service first.
            let disks = try await web.get("/machines/\(id)?tab=storage", as: admins)
            #expect(disks.text.contains("ST3500418AS") && disks.text.contains("reallocated sectors 304"), "\(disks.text.prefix(300))")
            #expect(disks.text.contains("pill critical"), "the failing disk is critical, with its icon and word")
            let units = try await web.get("/machines/\(id)?tab=services", as: admins)
            let failedAt = try #require(units.text.range(of: "Nightly backup")), runningAt = try #require(units.text.range(of: "nginx"))
            #expect(failedAt.lowerBound < runningAt.lowerBound, "failed services first")

            // The observer's page has no form but logout; a post of theirs is refused by the api.
            let seen = try await web.get("/machines/\(id)", as: observers)
            #expect(seen.status == .ok && !seen.text.contains("data-admin-action"), "no admin action for an observer")
            let forged = try await web.post(
                "/machines/\(id)/maintenance", form: ["_csrf": try #require(seen.field("_csrf")), "enabled": "true"], as: observers)
            #expect(forged.location == "/machines/\(id)?failed=FORBIDDEN", "\(forged.status) \(forged.location ?? "")")

            // The admin: maintenance on, shown on the page.
            let page = try await web.get("/machines/\(id)", as: admins)
            #expect(page.text.contains("data-admin-action"))
            let token = try #require(page.field("_csrf"))
            let on = try await web.post("/machines/\(id)/maintenance", form: ["_csrf": token, "enabled": "true"], as: admins)
            #expect(on.location == "/machines/\(id)?done=1")
            let after = try await web.get("/machines/\(id)?done=1", as: admins)
            #expect(after.text.contains("In maintenance") && after.text.contains("pill maintenance"), "\(after.text.prefix(400))")
            #expect(try await web.post("/machines/\(id)/maintenance", form: ["_csrf": "forged", "enabled": "false"], as: admins).status == .forbidden)

            // Deleting asks first, naming the machine, then deletes it.
            let confirm = try await web.get("/machines/\(id)/delete?hostname=disk-07", as: admins)
            #expect(confirm.text.contains("Delete the machine disk-07 and all its history?"))
            let deleted = try await web.post("/machines/\(id)/delete", form: ["_csrf": token, "hostname": "disk-07"], as: admins)
            #expect(deleted.location == "/machines?deleted=1", "\(deleted.status) \(deleted.location ?? "")")
            #expect(try await web.get("/machines/\(id)", as: admins).status == .notFound)
        }
    }
}
