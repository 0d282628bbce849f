import Foundation
import OptralisCurl
import OptralisTestSupport
import PostgresNIO
import Testing

/// `POST /agent/collect` over real mTLS into PostgreSQL (spec "Architecture de Stockage des Collectors").
@Suite("Agent collect")
struct AgentCollectTests {
    static let collectors = ["metrics", "storage", "storage_health", "network", "services", "security", "software", "patches", "events"]

    static func envelope(_ collector: String, sequence: Int, data: String? = nil, at: String = "2026-11-22T05:00:00Z") throws -> String {
        let data = try data ?? TestEnvironment.collectFixture(collector)
        return #"{"collector":"\#(collector)","sequence":\#(sequence),"collected_at":"\#(at)","data":\#(data)}"#
    }

    /// Rows of every table `/agent/collect` writes, for one machine.
    static func footprint(_ bed: AgentTestBed, _ machine: UUID) async throws -> [Int] {
        var counts: [Int] = []
        for table in ["metrics", "disk_info", "smart_data", "event_logs", "machine_collector_data", "machine_inventory", "agent_collect_sequences"] {
            counts.append(try await bed.count(PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(table) WHERE machine_id = '\(machine)'")))
        }
        return counts
    }

    @Test func every_collector_lands_where_the_spec_stores_it() async throws {
        try await AgentTestBed.run { bed in
            let agent = try await bed.enrol()
            for (index, collector) in Self.collectors.enumerated() {
                let reply = try await bed.post("/agent/collect", as: agent, body: try Self.envelope(collector, sequence: index + 1))
                #expect(reply.status == 200 && reply.bodyJSON["status"] as? String == "stored", "\(collector): \(reply.bodyText)")
            }
            let machine = agent.machineID
            // metrics + network → two metrics rows; 3 filesystems; 2 disks; 3 events; 7 snapshots; 1 inventory.
            #expect(try await Self.footprint(bed, machine) == [2, 3, 2, 3, 7, 1, 9])
            let metric = try await bed.api.database.withClient { db in
                try await db.query(
                    """
                    SELECT count(*) FILTER (WHERE cpu_percent = 23.4 AND load_15 = 2.61 AND cpu_temp = 48 AND recorded_at = '2026-11-22T05:00:00Z'),
                           count(*) FILTER (WHERE bytes_recv = 125000 AND bytes_sent = 48000.5 AND latency_ms = 12.8 AND cpu_percent IS NULL)
                    FROM metrics WHERE machine_id = \(machine)
                    """, logger: testLogger
                ).decode((Int, Int).self).reduce(into: [(Int, Int)]()) { $0.append($1) }.first
            }
            #expect(metric.map { $0 == (1, 1) } == true, "the metrics sample and the network totals (sum of interfaces)")
            #expect(
                try await bed.count(
                    "SELECT count(*)::int FROM disk_info WHERE machine_id = \(machine) AND mount_point = '/srv/data' AND used_percent = 90.34 AND interface = 'NVMe'"
                ) == 1)
            #expect(
                try await bed.count(
                    """
                    SELECT count(*)::int FROM smart_data WHERE machine_id = \(machine) AND device = '/dev/sda' AND smart_status = 'critical'
                      AND reallocated_sectors = 304 AND power_on_hours = 44668 AND attributes -> 0 ->> 'name' = 'Reallocated_Sector_Ct'
                    """) == 1)
            #expect(try await bed.count("SELECT count(*)::int FROM smart_data WHERE machine_id = \(machine) AND is_virtual AND smart_status = 'virtual'") == 1)
            #expect(
                try await bed.count(
                    """
                    SELECT count(*)::int FROM event_logs WHERE machine_id = \(machine) AND level = 'error' AND source = 'certbot.service'
                      AND recorded_at = '2026-11-22T04:58:01.512Z' AND metadata ->> '_SYSTEMD_UNIT' = 'certbot.service'
                    """) == 1, "event time to the millisecond; metadata keys kept as sent")
            #expect(
                try await bed.count(
                    """
                    SELECT count(*)::int FROM machine_inventory WHERE machine_id = \(machine)
                      AND services_total = 12 AND services_running = 9 AND services_failed = 1 AND failed_services -> 0 ->> 'name' = 'certbot.service'
                      AND firewall_enabled AND NOT secure_boot_enabled AND ports_open = 6 AND ports_risky_open = 2
                      AND software_count = 767 AND users_total = 4 AND users_admin = 2
                      AND pending_updates = 3 AND security_updates = 2 AND reboot_required AND patches_auto_update
                      AND jsonb_array_length(network_interfaces) = 2
                    """) == 1, "inventory columns computed from the collectors")
            #expect(
                try await bed.count(
                    """
                    SELECT count(*)::int FROM machine_collector_data WHERE machine_id = \(machine) AND collector = 'storage'
                      AND data -> 'disks' -> 0 ->> 'mount_point' = '/' AND collected_at = '2026-11-22T05:00:00Z'
                    """) == 1, "the snapshot keeps the agent's shape")

            // A newer post replaces the snapshot and the inventory columns of its collector only.
            let fewer = #"{"services":[{"name":"ssh.service","state":"running"}]}"#
            #expect(try await bed.post("/agent/collect", as: agent, body: try Self.envelope("services", sequence: 10, data: fewer)).status == 200)
            #expect(
                try await bed.count(
                    """
                    SELECT count(*)::int FROM machine_inventory WHERE machine_id = \(machine) AND services_total = 1 AND services_failed = 0
                      AND software_count = 767 AND ports_risky_open = 2
                    """) == 1)
            #expect(
                try await bed.count(
                    "SELECT jsonb_array_length(data -> 'services') FROM machine_collector_data WHERE machine_id = \(machine) AND collector = 'services'") == 1)
        }
    }

    @Test func a_retried_post_is_stored_once_even_when_the_retries_race() async throws {
        try await AgentTestBed.run { bed in
            let agent = try await bed.enrol()
            let post = try Self.envelope("metrics", sequence: 1)
            #expect(try await bed.post("/agent/collect", as: agent, body: post).bodyJSON["status"] as? String == "stored")
            let again = try await bed.post("/agent/collect", as: agent, body: post)
            #expect(again.status == 200 && again.bodyJSON["status"] as? String == "duplicate", "\(again.bodyText)")
            #expect(try await bed.count("SELECT count(*)::int FROM metrics WHERE machine_id = \(agent.machineID)") == 1)

            // Twenty copies of one post at once, plus twenty copies of an events post: one of each is stored.
            let events = try Self.envelope("events", sequence: 1)
            let statuses = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<40 {
                    let body = index % 2 == 0 ? try Self.envelope("metrics", sequence: 2) : events
                    group.addTask { try await bed.post("/agent/collect", as: agent, body: body).bodyJSON["status"] as? String ?? "error" }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == "stored" }.count == 2 && statuses.filter { $0 == "duplicate" }.count == 38, "\(statuses)")
            #expect(try await bed.count("SELECT count(*)::int FROM metrics WHERE machine_id = \(agent.machineID)") == 2)
            #expect(try await bed.count("SELECT count(*)::int FROM event_logs WHERE machine_id = \(agent.machineID)") == 3)

            // A re-enrolled agent counts from 1 again.
            let token = try #require(
                (try await bed.api.send(.post, "/api/install-tokens", token: agent.adminToken, json: [:]).json["token"] as? [String: Any])?["token"] as? String)
            let hostname = try await bed.api.database.withClient { db in
                try await db.query("SELECT hostname FROM machines WHERE id = \(agent.machineID)", logger: testLogger).decode(String.self).reduce(into: "") {
                    $0 = $1
                }
            }
            #expect(try await bed.api.send(.post, "/api/public/bootstrap", json: ["token": token, "arch": "amd64", "hostname": hostname]).status == .ok)
            #expect(try await bed.count("SELECT count(*)::int FROM agent_collect_sequences WHERE machine_id = \(agent.machineID)") == 0)
        }
    }

    @Test func bad_posts_are_refused_with_the_field_at_fault_and_change_nothing() async throws {
        try await AgentTestBed.run { bed in
            let agent = try await bed.enrol()
            #expect(try await bed.post("/agent/collect", as: agent, body: try Self.envelope("storage", sequence: 1)).status == 200)
            let before = try await Self.footprint(bed, agent.machineID)
            var metrics = try TestEnvironment.collectFixture("metrics")
            let cases: [(String, Int, String, String?)] = [
                (#"{"collector":"metrics","sequence":2,"data":{"cpu_percent":"#, 400, "INVALID_JSON", nil),
                (#"{"collector":"firmware","sequence":2,"data":{}}"#, 400, "UNKNOWN_COLLECTOR", "firmware"),
                (
                    try Self.envelope("metrics", sequence: 2, data: metrics.replacingOccurrences(of: "\"cpu_percent\": 23.4", with: "\"cpu_percent\": 150")),
                    400, "INVALID_PAYLOAD", "data.cpu_percent"
                ),
                (
                    try Self.envelope(
                        "metrics", sequence: 2, data: metrics.replacingOccurrences(of: "\"ram_percent\": 61.2", with: "\"ram_percent\": \"high\"")), 400,
                    "INVALID_PAYLOAD", "data.ram_percent"
                ),
                (
                    try Self.envelope(
                        "storage_health", sequence: 2,
                        data: #"{"disks":[{"device":"/dev/sda","smart_status":"dying","is_virtual":false,"predicted_failure":false}]}"#), 400,
                    "INVALID_PAYLOAD", "data.disks[0].smart_status"
                ),
                (
                    try Self.envelope("events", sequence: 2, data: #"{"events":[{"time":"yesterday","level":"error","message":"x"}]}"#), 400, "INVALID_PAYLOAD",
                    "data.events[0].time"
                ),
                (try Self.envelope("storage", sequence: 2, data: #"{"disks":[{"mount_point":"/"}]}"#), 400, "INVALID_PAYLOAD", "data.disks[0].total_gb"),
                (#"{"collector":"metrics","data":{}}"#, 400, "INVALID_PAYLOAD", "sequence"),
                (#"{"collector":"metrics","sequence":1e30,"data":{}}"#, 400, "INVALID_PAYLOAD", "sequence is out of range"),
                (
                    try Self.envelope(
                        "metrics", sequence: 2, data: "{\"cpu_percent\": 1, \"ram_percent\": 1, \"pad\": \"\(String(repeating: "x", count: 11 << 20))\"}"), 413,
                    "PAYLOAD_TOO_LARGE", nil
                ),
            ]
            for (body, status, code, field) in cases {
                let reply = try await bed.post("/agent/collect", as: agent, body: body)
                #expect(reply.status == status && reply.bodyJSON["code"] as? String == code, "\(code): \(reply.status) \(reply.bodyText.prefix(300))")
                if let field { #expect((reply.bodyJSON["error"] as? String)?.contains(field) == true, "\(reply.bodyText)") }
            }
            #expect(try await Self.footprint(bed, agent.machineID) == before, "nothing stored, no sequence consumed")

            // A journal message with a NUL escape is kept, the NUL replaced (PostgreSQL text cannot hold it).
            let nul = #"{"events":[{"time":"2026-11-22T05:00:00Z","level":"error","message":"bad\u0000byte","metadata":{"k":"\\u0000 literal"}}]}"#
            #expect(try await bed.post("/agent/collect", as: agent, body: try Self.envelope("events", sequence: 1, data: nul)).status == 200)
            #expect(
                try await bed.count(
                    "SELECT count(*)::int FROM event_logs WHERE machine_id = \(agent.machineID) AND message = 'bad' || chr(65533) || 'byte' AND metadata ->> 'k' = '\\u0000 literal'"
                ) == 1)
            metrics = try Self.envelope("metrics", sequence: 2)
            #expect(try await bed.post("/agent/collect", as: agent, body: metrics).bodyJSON["status"] as? String == "stored", "sequence 2 still free")
        }
    }

    @Test func concurrent_posts_of_many_agents_share_transactions_and_all_land() async throws {
        try await AgentTestBed.run { bed in
            let first = try await bed.enrol(hostname: "fleet-0")
            try await bed.api.sql("UPDATE clients SET license_type = 'pro' WHERE id = \(first.clientID)")
            var fleet = [first]
            for index in 1..<16 { fleet.append(try await bed.enrol(hostname: "fleet-\(index)", beside: first)) }
            let batchesBefore = try await Self.batches(bed)
            // Each agent posts its collector in order, as its spool does; the sixteen run at once.
            let perAgent = 25
            let agents = fleet
            let statuses = try await withThrowingTaskGroup(of: [String].self) { group in
                for agent in agents {
                    group.addTask {
                        var statuses: [String] = []
                        for sequence in 1...perAgent {
                            let reply = try await bed.post("/agent/collect", as: agent, body: try Self.envelope("metrics", sequence: sequence))
                            statuses.append(reply.bodyJSON["status"] as? String ?? "\(reply.status)")
                        }
                        return statuses
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(statuses.count == 16 * perAgent && statuses.allSatisfy { $0 == "stored" }, "\(Set(statuses))")
            #expect(try await bed.count("SELECT count(*)::int FROM metrics WHERE machine_id = ANY(\(fleet.map(\.machineID)))") == 16 * perAgent)
            let batches = try await Self.batches(bed) - batchesBefore
            #expect(batches > 0 && batches < 16 * perAgent, "\(16 * perAgent) posts in \(batches) transactions")
        }
    }

    /// `api_agent_collect_batches_total` from the api's /metrics.
    static func batches(_ bed: AgentTestBed) async throws -> Int {
        let text = try await bed.api.send(.get, "/metrics").text
        let line = text.split(separator: "\n").first { $0.hasPrefix("api_agent_collect_batches_total") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Int(Double($0) ?? 0) } ?? 0
    }
}
