import Foundation
import Hummingbird
import HummingbirdTesting
import OptralisTestSupport
import Testing

@Suite("Admin: Windows builds, dashboard, timeline, every machine, bulk channel")
struct AdminPlatformTests {
    /// endoflife.date's `/api/windows.json` format (cycles as published in 2025).
    static let windowsFeed = #"""
        [
          {"cycle":"11-25h2-w","releaseLabel":"11 25H2 (W)","releaseDate":"2025-09-30","eol":"2027-10-12","latest":"10.0.26200","link":"https://learn.microsoft.com/windows/release-health/windows11-release-information","lts":false,"support":"2027-10-12"},
          {"cycle":"11-25h2-e","releaseLabel":"11 25H2 (E)","releaseDate":"2025-09-30","eol":"2028-10-10","latest":"10.0.26200","link":null,"lts":false,"support":"2028-10-10"},
          {"cycle":"11-24h2-iot-lts","releaseLabel":"11 24H2 (IoT LTS)","releaseDate":"2024-10-01","eol":"2034-10-10","latest":"10.0.26100","lts":true,"support":"2029-10-09"},
          {"cycle":"11-24h2-e-lts","releaseLabel":"11 24H2 (E LTS)","releaseDate":"2024-10-01","eol":"2029-10-09","latest":"10.0.26100","lts":true,"support":"2029-10-09"},
          {"cycle":"11-24h2-w","releaseLabel":"11 24H2 (W)","releaseDate":"2024-10-01","eol":"2026-10-13","latest":"10.0.26100","lts":false,"support":"2026-10-13"},
          {"cycle":"10-22h2","releaseLabel":"10 22H2","releaseDate":"2022-10-18","eol":"2025-10-14","latest":"10.0.19045","lts":false,"support":"2025-10-14"},
          {"cycle":"10-21h2-iot-lts","releaseLabel":"10 21H2 (IoT LTS)","releaseDate":"2021-11-16","eol":"2032-01-13","latest":"10.0.19044","lts":true,"support":"2027-01-12"},
          {"cycle":"10-1607-e-lts","releaseLabel":"10 1607 (E LTS)","releaseDate":"2016-08-02","eol":"2026-10-13","latest":"10.0.14393","lts":true,"support":"2021-10-12"},
          {"cycle":"8.1","releaseLabel":"8.1","releaseDate":"2013-10-18","eol":"2023-01-10","latest":"6.3.9600","lts":false,"support":"2018-01-09"}
        ]
        """#
    /// `/api/windows-server.json`.
    static let serverFeed = #"""
        [
          {"cycle":"2025","releaseLabel":"2025 (LTSC)","releaseDate":"2024-11-01","eol":"2034-11-14","latest":"10.0.26100","lts":true,"support":"2029-11-13"},
          {"cycle":"23h2","releaseLabel":"23H2 (AC)","releaseDate":"2023-10-24","eol":"2025-10-24","latest":"10.0.25398","lts":false,"support":"2025-10-24"},
          {"cycle":"2022","releaseLabel":"2022 (LTSC)","releaseDate":"2021-08-18","eol":"2031-10-14","latest":"10.0.20348","lts":true,"support":"2026-10-13"},
          {"cycle":"2016","releaseLabel":"2016 (LTSC)","releaseDate":"2016-10-15","eol":"2027-01-12","latest":"10.0.14393","lts":true,"support":"2022-01-11"}
        ]
        """#

    @Test func the_windows_builds_refresh_parses_endoflife_feeds_and_the_mapping_follows() async throws {
        let router = Router()
        router.get("/api/windows.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: Self.windowsFeed)))
        }
        router.get("/api/windows-server.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: Self.serverFeed)))
        }
        router.get("/api/broken.json") { _, _ in "<html>maintenance</html>" }
        let feed = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await feed.test(.live) { server in
            let base = "http://127.0.0.1:\(server.port!)/api"
            try await APIHarness.run(environment: ["WINDOWS_BUILDS_URLS": "\(base)/windows.json, \(base)/windows-server.json"]) { api in
                let root = try await api.login(try await api.seedUser(client: nil, role: "super_admin").email).access
                let admin = try await api.login(try await api.seedUser(client: try await api.seedClient(), role: "admin").email).access
                let before = try await api.send(.get, "/api/windows-versions", token: admin)
                #expect(before.status == .ok && (before.json["client"] as? [String: String])?["26200"] == nil)

                let refreshed = try await api.send(.post, "/api/admin/windows-builds/refresh", token: root)
                #expect(refreshed.status == .ok, "\(refreshed.text)")
                #expect(refreshed.json["inserted"] as? Int == 1, "only 11 25H2 is new: \(refreshed.text)")
                #expect(refreshed.json["received"] as? Int == 5, "IoT, pre-17763 builds and unnamed server cycles left out: \(refreshed.text)")
                let grouped = try await api.send(.get, "/api/admin/windows-builds", token: root)
                let clients = grouped.json["client"] as? [[String: Any]] ?? []
                let servers = grouped.json["server"] as? [[String: Any]] ?? []
                #expect(
                    clients.last?["build_number"] as? Int == 26200 && clients.last?["name"] as? String == "Windows 11 (25H2)",
                    "appended last: \(clients.last ?? [:])")
                #expect(clients.first { $0["build_number"] as? Int == 26100 }?["name"] as? String == "Windows 11 (24H2)", "known builds keep their names")
                #expect(servers.contains { $0["build_number"] as? Int == 14393 }, "the seeded Server 2016 stays")
                #expect(try await api.send(.post, "/api/admin/windows-builds/refresh", token: root).json["inserted"] as? Int == 0, "idempotent")

                let after = try await api.send(.get, "/api/windows-versions", token: admin)
                #expect((after.json["client"] as? [String: String])?["26200"] == "Windows 11 (25H2)", "the cached mapping was replaced")
                #expect((after.json["server"] as? [String: String])?["26100"] == "Windows Server 2025")
                #expect(try await api.send(.post, "/api/windows-versions/refresh", token: admin).status == .ok)
                let observer = try await api.login(try await api.seedUser(client: try await api.seedClient(), role: "observer").email).access
                #expect(try await api.send(.post, "/api/windows-versions/refresh", token: observer).status == .forbidden)
                #expect(try await api.send(.post, "/api/admin/windows-builds/refresh", token: admin).status == .forbidden)
            }
            for (urls, code) in [
                ("\(base)/broken.json", "FEED_INVALID"), ("http://127.0.0.1:\(try freePort())/none.json", "FEED_UNAVAILABLE"),
                ("\(base)/missing.json", "FEED_UNAVAILABLE"),
            ] {
                try await APIHarness.run(environment: ["WINDOWS_BUILDS_URLS": urls]) { api in
                    let root = try await api.login(try await api.seedUser(client: nil, role: "super_admin").email).access
                    let reply = try await api.send(.post, "/api/admin/windows-builds/refresh", token: root)
                    #expect(reply.status == .badGateway && reply.code == code, "\(urls): \(reply.text)")
                }
            }
        }
    }

    @Test func the_dashboard_timeline_machine_list_and_bulk_channel_span_every_client() async throws {
        try await APIHarness.run { api in
            let root = try await api.login(try await api.seedUser(client: nil, role: "super_admin").email).access
            let acme = try await api.seedClient("Acme")
            let beta = try await api.seedClient("Beta Corp")
            try await api.sql(
                """
                INSERT INTO machines (client_id, hostname, last_seen, agent_version, health_score, created_at) VALUES
                    (\(acme), 'acme-1', now(), '1.0.0', 80, now() - interval '2 days'), (\(acme), 'acme-2', NULL, '1.0.0', 60, now()),
                    (\(beta), 'beta-1', now(), '1.1.0', 100, now())
                """)
            try await api.sql("UPDATE clients SET created_at = now() - interval '2 days' WHERE id = \(acme)")
            let dashboard = try await api.send(.get, "/api/admin/dashboard", token: root)
            #expect(dashboard.json["total_machines"] as? Int == 3 && dashboard.json["online_machines"] as? Int == 2, "\(dashboard.text)")
            #expect(dashboard.json["total_clients"] as? Int == 2 && dashboard.json["average_health_score"] as? Double == 80)
            #expect((dashboard.json["agent_versions"] as? [String: Int]) == ["1.0.0": 2, "1.1.0": 1])

            let timeline = try await api.send(.get, "/api/admin/stats/timeline?days=3", token: root)
            let days = timeline.json["timeline"] as? [[String: Any]] ?? []
            #expect(days.count == 3, "\(timeline.text)")
            #expect(days.first?["new_machines"] as? Int == 1 && days.first?["total_clients"] as? Int == 1)
            #expect(days.last?["new_machines"] as? Int == 2 && days.last?["total_machines"] as? Int == 3 && days.last?["total_clients"] as? Int == 2)
            #expect(try await api.send(.get, "/api/admin/stats/timeline?days=0", token: root).code == "VALIDATION_ERROR")

            let all = try await api.send(.get, "/api/admin/machines/all", token: root)
            let machines = all.json["machines"] as? [[String: Any]] ?? []
            #expect(machines.map { $0["hostname"] as? String } == ["acme-1", "acme-2", "beta-1"] && machines.first?["client_name"] as? String == "Acme")
            let ofBeta = try await api.send(.get, "/api/admin/machines/all?client_id=\(beta)&search=beta", token: root)
            #expect(ofBeta.json["total"] as? Int == 1)
            #expect(try await api.send(.get, "/api/admin/machines/all?client_id=nope", token: root).status == .badRequest)

            let ids = machines.compactMap { $0["id"] as? String }
            let bulk = try await api.send(
                .put, "/api/admin/machines/bulk-channel", token: root, json: ["machine_ids": ids + [UUID().uuidString], "channel": "beta"])
            #expect(bulk.json["count"] as? Int == 3, "unknown ids skipped: \(bulk.text)")
            let channels = try await api.database.withClient { db in
                try await db.query("SELECT DISTINCT update_channel FROM machines", logger: testLogger).decode(String.self).reduce(into: [String]()) {
                    $0.append($1)
                }
            }
            #expect(channels == ["beta"])
            #expect(
                try await api.send(.put, "/api/admin/machines/bulk-channel", token: root, json: ["machine_ids": ids, "channel": "nightly"]).code
                    == "VALIDATION_ERROR")
            #expect(
                try await api.send(.put, "/api/admin/machines/bulk-channel", token: root, json: ["machine_ids": [String](), "channel": "beta"]).code
                    == "VALIDATION_ERROR")
            let admin = try await api.login(try await api.seedUser(client: acme, role: "admin").email).access
            #expect(try await api.send(.get, "/api/admin/machines/all", token: admin).status == .forbidden)
            #expect(try await api.send(.get, "/api/admin/dashboard", token: admin).status == .forbidden)
        }
    }
}
