import Foundation
import OptralisTestSupport
import Testing

@Suite("Machine list: filters, sorting and the latest figures")
struct MachineListTests {
    @Test func the_list_filters_by_group_label_and_system_sorts_by_column_and_shows_cpu_ram_and_disk() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            let observer = try await web.seedUser(client: client, role: "observer")
            try await web.sql("INSERT INTO groups (client_id, name) VALUES (\(client), 'Paris'), (\(client), 'Lyon')")
            try await web.sql(
                """
                INSERT INTO machines (client_id, hostname, os, last_seen, health_score, group_id)
                SELECT \(client), name, os, now(), score, (SELECT id FROM groups WHERE client_id = \(client) AND groups.name = city)
                FROM (VALUES ('web-01', 'linux', 90, 'Paris'), ('web-02', 'linux', 40, 'Lyon'), ('win-01', 'windows', 70, 'Paris'))
                    AS seed(name, os, score, city)
                """)
            try await web.sql("INSERT INTO labels (client_id, key) VALUES (\(client), 'env')")
            try await web.sql(
                """
                INSERT INTO machine_labels (client_id, machine_id, label_id, value)
                SELECT \(client), m.id, l.id, CASE WHEN m.hostname = 'web-02' THEN 'staging' ELSE 'prod' END
                FROM machines m, labels l WHERE m.client_id = \(client) AND l.client_id = \(client)
                """)
            try await web.sql(
                """
                INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent)
                SELECT id, now() - interval '1 minute', 37.4, 61 FROM machines WHERE hostname = 'web-01'
                """)
            try await web.sql(
                """
                INSERT INTO disk_info (machine_id, recorded_at, mount_point, used_percent)
                SELECT id, now() - interval '2 minutes', mount, used FROM machines, (VALUES ('/', 71.0), ('/var', 93.0)) AS d(mount, used)
                WHERE hostname = 'web-01'
                """)
            let browser = WebHarness.Browser()
            #expect(try await web.logIn(observer, as: browser).location == "/")
            func hostnames(_ page: WebHarness.Page) -> [String] {
                page.text.matches(of: /href="\/machines\/[0-9a-f-]{36}">([^<]+)</).map { String($0.1) }
            }

            let all = try await web.get("/machines", as: browser)
            #expect(hostnames(all) == ["web-01", "web-02", "win-01"])
            #expect(all.text.contains(">37 %<") && all.text.contains(">61 %<") && all.text.contains(">93 %<"), "CPU, RAM and the fullest disk")
            #expect(all.text.contains("<option value=\"linux\"") && all.text.contains(">Paris</option>"), "the group and system filters")

            let paris = String(try #require(all.text.firstMatch(of: /<option value="([0-9a-f-]{36})" >Paris/)?.1))
            #expect(hostnames(try await web.get("/machines?group_id=\(paris)", as: browser)) == ["web-01", "win-01"])
            #expect(hostnames(try await web.get("/machines?os=windows", as: browser)) == ["win-01"])
            #expect(hostnames(try await web.get("/machines?label=env%3Dstaging", as: browser)) == ["web-02"])
            #expect(hostnames(try await web.get("/machines?label=env", as: browser)).count == 3)
            let filtered = try await web.get("/machines?group_id=\(paris)&os=linux", as: browser)
            #expect(filtered.text.contains("<option value=\"\(paris)\" selected>") && filtered.text.contains("<option value=\"linux\" selected>"))

            // Sorting by health: ascending on the first click, the header's link then reverses it.
            let byHealth = try await web.get("/machines?sort=health_score", as: browser)
            #expect(hostnames(byHealth) == ["web-02", "win-01", "web-01"])
            #expect(byHealth.text.contains("aria-sort=\"ascending\"") && byHealth.text.contains("href=\"/machines?sort=health_score&amp;order=desc\""))
            #expect(hostnames(try await web.get("/machines?sort=health_score&order=desc", as: browser)) == ["web-01", "win-01", "web-02"])
            let rows = try await web.get("/machines/rows?sort=health_score&order=desc&os=linux", as: browser)
            #expect(hostnames(rows) == ["web-01", "web-02"] && !rows.text.contains("<html"), "the live fragment keeps the filters")
        }
    }
}
