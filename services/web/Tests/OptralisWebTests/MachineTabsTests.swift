import Foundation
import OptralisTestSupport
import Testing

@Suite("Machine page: charts, security, software, patches, events and live fragments")
struct MachineTabsTests {
    @Test func every_tab_shows_its_collector_and_the_live_fragments_refresh_the_facts() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            let observer = try await web.seedUser(client: client, role: "observer")
            try await web.sql(
                """
                INSERT INTO machines (client_id, hostname, os, last_seen, last_config_sync)
                VALUES (\(client), 'app-03', 'linux', now(), now() - interval '2 minutes')
                """)
            let security = #"""
                {"firewall_enabled": true, "firewall_backend": "nftables", "secure_boot_enabled": false,
                 "ports": [{"port": 22, "protocol": "tcp", "address": "0.0.0.0", "process": "sshd", "risky": false},
                           {"port": 3389, "protocol": "tcp", "address": "0.0.0.0", "process": "xrdp", "risky": true, "risk_reason": "RDP exposed"}]}
                """#
            let packages = (1...150).map { #"{"name": "pkg-\#(String(format: "%03d", $0))", "version": "1.\#($0)"}"# }
            let software =
                #"{"software": [\#(packages.joined(separator: ",")), {"name": "nginx", "version": "1.22", "publisher": "Debian"}], "users": [{"username": "root", "is_admin": true, "enabled": true}, {"username": "ada", "is_admin": false, "enabled": true}]}"#
            let patches = #"""
                {"pending_updates": [{"title": "vim 9.1", "category": "Other", "is_important": false},
                                     {"title": "openssl 3.0.15", "category": "Security", "is_important": true}],
                 "reboot_required": true, "auto_update": false}
                """#
            try await web.sql(
                """
                INSERT INTO machine_collector_data (machine_id, collector, data)
                SELECT id, 'security', \(security)::jsonb FROM machines WHERE hostname = 'app-03'
                UNION ALL SELECT id, 'software', \(software)::jsonb FROM machines WHERE hostname = 'app-03'
                UNION ALL SELECT id, 'patches', \(patches)::jsonb FROM machines WHERE hostname = 'app-03'
                """)
            try await web.sql(
                """
                INSERT INTO machine_risk_overrides (client_id, machine_id, risk_type, risk_key, status, reason)
                SELECT \(client), id, 'risky_port', '3389', 'mitigated', 'VPN only' FROM machines WHERE hostname = 'app-03'
                """)
            try await web.sql(
                """
                INSERT INTO disk_info (machine_id, recorded_at, mount_point, used_percent)
                SELECT m.id, now() - i * interval '10 minutes', mount, CASE WHEN mount = '/' THEN 80 ELSE 35 END
                FROM machines m, generate_series(1, 12) AS i, (VALUES ('/'), ('/srv')) AS mounts(mount) WHERE m.hostname = 'app-03'
                """)
            try await web.sql(
                """
                INSERT INTO event_logs (machine_id, recorded_at, log_name, source, level, message)
                SELECT m.id, now() - i * interval '1 minute', 'journal', 'kernel', CASE WHEN i % 10 = 0 THEN 'error' ELSE 'info' END, 'event ' || i
                FROM machines m, generate_series(1, 130) AS i WHERE m.hostname = 'app-03'
                """)
            let browser = WebHarness.Browser()
            #expect(try await web.logIn(observer, as: browser).location == "/")
            let list = try await web.get("/machines", as: browser)
            let id = String(try #require(list.text.firstMatch(of: /href="\/machines\/([0-9a-f-]{36})"/)?.1))

            // Charts: the disk chart has one dashed line per mount point, named in its legend.
            let charts = try await web.get("/machines/\(id)", as: browser)
            #expect(charts.text.contains("Disks (usage)") && charts.text.contains("class=\"line s1\""), "two disk series")
            #expect(charts.text.contains(">/srv</text>") && charts.text.contains("/ · "), "legend and hover text name the mounts")
            #expect(charts.text.contains("Last config sync") && charts.text.contains("data-refresh=\"/machines/\(id)/live?part=facts\""))

            // Security: the risky port first, with its reason; the firewall; the admin account; the override.
            let posture = try await web.get("/machines/\(id)?tab=security", as: browser)
            let rdp = try #require(posture.text.range(of: "xrdp")), ssh = try #require(posture.text.range(of: "sshd"))
            #expect(rdp.lowerBound < ssh.lowerBound && posture.text.contains("RDP exposed") && posture.text.contains("(1 risky)"))
            #expect(posture.text.contains("Firewall") && posture.text.contains("nftables") && posture.text.contains("Secure Boot"))
            #expect(posture.text.contains(">root ") && !posture.text.contains(">ada "), "only administrators are listed")
            #expect(posture.text.contains("VPN only") && posture.text.contains("mitigated"))

            // Software: 151 packages by name (nginx, then pkg-001…), 100 a page, and a search.
            let firstPage = try await web.get("/machines/\(id)?tab=software", as: browser)
            #expect(firstPage.text.contains("151 / 151") && firstPage.text.contains("pkg-099") && !firstPage.text.contains("pkg-100"))
            #expect(firstPage.text.contains("Page 1 / 2") && firstPage.text.contains("?tab=software&amp;page=2"))
            let second = try await web.get("/machines/\(id)?tab=software&page=2", as: browser)
            #expect(second.text.contains("pkg-100") && second.text.contains("pkg-150") && !second.text.contains("pkg-001"))
            let found = try await web.get("/machines/\(id)?tab=software&q=NGINX", as: browser)
            #expect(found.text.contains("1 / 151") && found.text.contains("Debian"))

            // Patches: the security update first, and the restart notice.
            let updates = try await web.get("/machines/\(id)?tab=patches", as: browser)
            let openssl = try #require(updates.text.range(of: "openssl 3.0.15")), vim = try #require(updates.text.range(of: "vim 9.1"))
            #expect(openssl.lowerBound < vim.lowerBound && updates.text.contains("A restart is needed"))
            #expect(updates.text.contains("data-refresh=\"/machines/\(id)/live?part=tab&amp;tab=patches\""))

            // Events: newest first, 100 a page with a link to older ones; a level filter.
            let events = try await web.get("/machines/\(id)?tab=events", as: browser)
            #expect(events.text.contains(">event 1<") && events.text.contains(">event 100<") && !events.text.contains(">event 101<"))
            let older = String(try #require(events.text.firstMatch(of: /href="(\?tab=events&amp;before=[^"]+)"/)?.1)).replacingOccurrences(
                of: "&amp;", with: "&")
            let olderPage = try await web.get("/machines/\(id)" + older, as: browser)
            #expect(olderPage.text.contains(">event 101<") && olderPage.text.contains(">event 130<") && !olderPage.text.contains(">event 100<"), "\(older)")
            let errors = try await web.get("/machines/\(id)?tab=events&level=error", as: browser)
            #expect(errors.text.contains(">event 10<") && !errors.text.contains(">event 1<") && errors.text.contains("<option value=\"error\" selected>"))

            // The live fragments: the facts, a live tab; not a tab that needs other calls.
            try await web.sql("UPDATE machines SET health_score = 42 WHERE hostname = 'app-03'")
            let facts = try await web.get("/machines/\(id)/live?part=facts", as: browser)
            #expect(facts.status == .ok && facts.text.contains(">42<") && !facts.text.contains("<html"), "\(facts.text.prefix(300))")
            let tab = try await web.get("/machines/\(id)/live?part=tab&tab=patches", as: browser)
            #expect(tab.status == .ok && tab.text.contains("openssl 3.0.15") && !tab.text.contains("<nav"))
            #expect(try await web.get("/machines/\(id)/live?part=tab&tab=events", as: browser).status == .notFound)
            #expect(try await web.get("/machines/\(UUID().uuidString.lowercased())/live?part=facts", as: browser).status == .notFound)

            // A second visit asks for the histories with the machine (the name is remembered);
            // after a rename the remembered name is wrong, and the histories are asked for again.
            let again = try await web.get("/machines/\(id)", as: browser)
            #expect(again.text.contains(">/srv</text>") && again.text.contains("class=\"line s1\""))
            try await web.sql("UPDATE machines SET hostname = 'app-03-renamed' WHERE hostname = 'app-03'")
            let renamed = try await web.get("/machines/\(id)", as: browser)
            #expect(renamed.text.contains("app-03-renamed") && renamed.text.contains(">/srv</text>"), "the charts follow the new name")
        }
    }
}
