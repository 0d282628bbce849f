import Foundation
@testable import OptralisAPI
import OptralisCore
import OptralisCurl
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("Agent heartbeat and configuration")
struct AgentHeartbeatConfigTests {
    static let requirements = AgentCatalog.Requirements(
        windowsClientEnabled: true, windowsClientMinBuild: 19_045, windowsServerEnabled: true, windowsServerMinBuild: 17_763, linuxEnabled: true,
        unsupportedOSMessage: nil)

    @Test func os_compliance_follows_the_spec_rules() {
        let cases: [(String?, String?, Bool)] = [
            ("Windows", "Microsoft Windows 10 Pro 10.0.19044", false),
            ("Windows", "Microsoft Windows 11 Pro Build 22631", true),
            ("Windows", "Windows 10 Pro 10.0.19045.4291", true),
            ("Windows Server", "Windows Server 2016 Standard 10.0.14393", false),
            ("Windows", "Windows Server 2019 Datacenter 10.0.17763", true),
            ("Windows", "Windows (unknown build)", true),
            ("linux", "Debian GNU/Linux 12 (bookworm)", true),
            ("darwin", "macOS 15.1", true),
        ]
        for (os, version, expected) in cases {
            #expect(OSCompliance.isCompliant(os: os, osVersion: version, requirements: Self.requirements) == expected, "\(os ?? "") \(version ?? "")")
        }
        var linuxOff = Self.requirements
        linuxOff.linuxEnabled = false
        #expect(!OSCompliance.isCompliant(os: "linux", osVersion: "Ubuntu 24.04", requirements: linuxOff))
        var serversOff = Self.requirements
        serversOff.windowsServerEnabled = false
        #expect(!OSCompliance.isCompliant(os: "Windows", osVersion: "Windows Server 2022 Build 20348", requirements: serversOff))
    }

    @Test func agent_versions_compare_as_numbers() {
        #expect(AgentVersion.isNewer("1.10.0", than: "1.9.3"))
        #expect(AgentVersion.isNewer("v2.0.0", than: "1.99"))
        #expect(AgentVersion.isNewer("1.4.0", than: "1.4.0-beta.2"))
        #expect(!AgentVersion.isNewer("1.4.0-beta.2", than: "1.4.0"))
        #expect(!AgentVersion.isNewer("1.4.0", than: "1.4.0"))
        #expect(!AgentVersion.isNewer("1.3.9", than: "1.4"))
    }

    @Test func intervals_resolve_per_collector_machine_before_label_before_group_before_client() {
        typealias Setting = CollectionIntervals.Setting
        let client = Setting(id: UUID(), name: "all", scope: "global", priority: 0, intervals: ["metrics": 20, "network": 60], enabled: ["software": false])
        let group = Setting(id: UUID(), name: "prod", scope: "group", priority: 0, intervals: ["metrics": 15, "storage": 1], enabled: [:])
        let labelLow = Setting(id: UUID(), name: "db low", scope: "label", priority: 1, intervals: ["metrics": 7], enabled: [:])
        let labelHigh = Setting(id: UUID(), name: "db high", scope: "label", priority: 9, intervals: ["metrics": 6], enabled: [:])
        let machine = Setting(id: UUID(), name: "this one", scope: "machine", priority: 0, intervals: ["patches": 999_999], enabled: ["software": true])

        let defaults = CollectionIntervals.resolve([])
        #expect(defaults.source == "default" && defaults.collectors.map(\.interval) == [10, 300, 7_200, 30, 120, 900, 14_400, 21_600])

        let resolved = CollectionIntervals.resolve([client, group, labelLow, machine, labelHigh])
        let intervals = Dictionary(uniqueKeysWithValues: resolved.collectors.map { ($0.type, $0.interval) })
        #expect(resolved.source == "machine_setting" && resolved.setting?.id == machine.id)
        #expect(intervals["metrics"] == 6, "the label setting of higher priority")
        #expect(intervals["storage"] == 60, "the group's 1 s is raised to the collector's minimum")
        #expect(intervals["network"] == 60, "from the client setting")
        #expect(intervals["patches"] == 86_400, "the machine's value, lowered to the maximum")
        #expect(intervals["services"] == 120, "nobody names it: default")
        #expect(resolved.collectors.first { $0.type == "software" }?.enabled == true, "the machine re-enables what the client disabled")
        #expect(CollectionIntervals.resolve([client]).collectors.first { $0.type == "software" }?.enabled == false)
        #expect(CollectionIntervals.resolve([client, group]).source == "group_setting")
    }

    /// Migration 0018: no index holds what a heartbeat changes, so PostgreSQL rewrites the row in
    /// place (a HOT update) instead of adding an entry to each of the table's indexes.
    @Test func heartbeats_update_the_machine_row_in_place() async throws {
        try await AgentTestBed.run { bed in
            let agent = try await bed.enrol()
            let query = "SELECT n_tup_upd::int, n_tup_hot_upd::int FROM pg_stat_user_tables WHERE relname = 'machines'"
            func counts() async throws -> (Int, Int) {
                try await bed.api.database.withClient { db in
                    _ = try await db.query("SELECT pg_stat_clear_snapshot()", logger: testLogger)
                    return try await db.query(PostgresQuery(unsafeSQL: query), logger: testLogger).decode((Int, Int).self).collect().first ?? (0, 0)
                }
            }
            let before = try await counts()
            let beats = 12
            for _ in 0..<beats {
                let beat = try await bed.post("/agent/heartbeat", as: agent, body: #"{"os":"linux","agent_version":"1.4.2","cpu_percent":12.5}"#)
                #expect(beat.status == 200, "\(beat.bodyText)")
            }
            // The api's connections report their counts to the statistics within about ten seconds,
            // each on its own: wait for every connection's.
            var after = before
            for _ in 0..<60 where after.0 - before.0 < beats || after.1 - before.1 < beats - 1 {
                try await Task.sleep(for: .milliseconds(500))
                after = try await counts()
            }
            #expect(after.0 - before.0 >= beats, "updates of machines: \(before) → \(after)")
            #expect(after.1 - before.1 >= beats - 1, "HOT updates of machines: \(before) → \(after)")
        }
    }

    @Test func heartbeat_records_the_report_and_offers_the_update_and_the_config_follows_the_settings() async throws {
        try await AgentTestBed.run { bed in
            let agent = try await bed.enrol()
            let machine = agent.machineID
            try await bed.api.sql(
                """
                INSERT INTO agent_versions (version, channel, platform, architecture, download_url, checksum_sha256, file_size_bytes, changelog, is_active)
                VALUES ('1.5.0', 'stable', 'linux', 'amd64', 'https://dl.test/1.5.0', \(String(repeating: "c", count: 64)), 4096, 'Faster spool', true)
                """)
            try await bed.api.sql("UPDATE agent_requirements SET windows_client_min_build = 19045")
            let report =
                #"{"os":"linux","os_version":"Debian GNU/Linux 12 (bookworm)","agent_version":"1.4.2","ip_address":"192.168.1.20","cpu_percent":91.5,"ram_percent":40}"#
            let beat = try await bed.post("/agent/heartbeat", as: agent, body: report)
            #expect(beat.status == 200, "\(beat.bodyText)")
            #expect(beat.bodyJSON["next_heartbeat_seconds"] as? Int == 30, "CPU above 80 %")
            #expect(beat.bodyJSON["is_os_compliant"] as? Bool == true && beat.bodyJSON["update_available"] as? Bool == true)
            let update = beat.bodyJSON["update"] as? [String: Any]
            #expect(update?["version"] as? String == "1.5.0" && update?["file_size_bytes"] as? Int == 4096 && update?["changelog"] as? String == "Faster spool")
            #expect(
                try await bed.count(
                    """
                    SELECT count(*)::int FROM machines m JOIN client_certificates c ON c.serial = m.cert_serial
                    WHERE m.id = \(machine) AND m.os = 'linux' AND m.os_version = 'Debian GNU/Linux 12 (bookworm)' AND m.agent_version = '1.4.2'
                      AND m.ip_address = '192.168.1.20' AND m.is_os_compliant AND m.cert_expires_at = c.expires_at AND c.machine_id = m.id
                    """) == 1)

            let upToDate = try await bed.post("/agent/heartbeat", as: agent, body: #"{"agent_version":"1.5.0","ram_percent":90}"#)
            #expect(upToDate.bodyJSON["update_available"] as? Bool == false && upToDate.bodyJSON["update"] == nil, "\(upToDate.bodyText)")
            #expect(upToDate.bodyJSON["next_heartbeat_seconds"] as? Int == 30, "RAM above 85 %")
            let tooOld = try await bed.post("/agent/heartbeat", as: agent, body: #"{"os":"Windows","os_version":"Microsoft Windows 10 Pro 10.0.19044"}"#)
            #expect(tooOld.bodyJSON["is_os_compliant"] as? Bool == false, "build 19044 under the client minimum 19045")
            #expect(try await bed.count("SELECT count(*)::int FROM machines WHERE id = \(machine) AND NOT is_os_compliant") == 1)
            #expect(try await bed.post("/agent/heartbeat", as: agent).bodyJSON["next_heartbeat_seconds"] as? Int == 60, "an empty body is a plain heartbeat")
            let bad = try await bed.post("/agent/heartbeat", as: agent, body: #"{"cpu_percent":"high"}"#)
            #expect(bad.status == 400 && bad.bodyJSON["code"] as? String == "INVALID_PAYLOAD", "\(bad.bodyText)")

            // Settings of the client, of a group and of a label; force-collect handed over once.
            try await bed.api.sql(
                """
                WITH g AS (INSERT INTO groups (client_id, name) VALUES (\(agent.clientID), 'Prod') RETURNING id),
                     l AS (INSERT INTO labels (client_id, key) VALUES (\(agent.clientID), 'role') RETURNING id),
                     m AS (UPDATE machines SET group_id = (SELECT id FROM g), force_collect_requested_at = now() WHERE id = \(machine)),
                     ml AS (INSERT INTO machine_labels (client_id, machine_id, label_id, value) SELECT \(agent.clientID), \(machine), id, 'db' FROM l)
                INSERT INTO collection_settings (client_id, name, scope, group_id, label_id, label_value, intervals)
                VALUES (\(agent.clientID), 'everything', 'global', NULL, NULL, NULL, '{"metrics": 20, "network": 60}'),
                       (\(agent.clientID), 'prod', 'group', (SELECT id FROM g), NULL, NULL, '{"metrics": 15, "storage": 600}'),
                       (\(agent.clientID), 'databases', 'label', NULL, (SELECT id FROM l), 'db', '{"metrics": 5}'),
                       (\(agent.clientID), 'web', 'label', NULL, (SELECT id FROM l), 'web', '{"storage": 60}')
                """)
            let config = try await bed.get("/agent/config", as: agent)
            #expect(config.status == 200, "\(config.bodyText)")
            let collectors = (config.bodyJSON["collectors"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) {
                $0[$1["type"] as? String ?? ""] = $1["interval"] as? Int
            }
            #expect(
                collectors == [
                    "metrics": 5, "storage": 600, "network": 60, "storage_health": 7_200, "services": 120, "security": 900, "software": 14_400,
                    "patches": 21_600,
                ])
            #expect(config.bodyJSON["source"] as? String == "label_setting" && config.bodyJSON["force_collect"] as? Bool == true)
            let again = try await bed.get("/agent/config/collectors", as: agent)
            #expect(again.bodyJSON["force_collect"] as? Bool == false, "handed over once")

            // Another tenant's settings never reach this machine.
            let stranger = try await bed.enrol()
            try await bed.api.sql(
                "INSERT INTO collection_settings (client_id, name, scope, intervals) VALUES (\(stranger.clientID), 'theirs', 'global', '{\"metrics\": 300}')")
            let mine = try await bed.get("/agent/config/collectors", as: agent)
            #expect((mine.bodyJSON["collectors"] as? [[String: Any]])?.first?["interval"] as? Int == 5)
        }
    }
}
