import Foundation
@testable import OptralisAI
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("Health inputs read from what the agents sent")
struct HealthInputsStoreTests {
    let now = SyntheticSeries.now

    /// Two days of per-minute metrics (CPU 20 % then 95 % over the last day, RAM 50 %, latency
    /// 5 ms), a reboot 3 h ago and a 15-minute gap 6 h ago; two volumes, SMART, security and
    /// patches snapshots, and events.
    func seed(_ db: PostgresClient, machine: UUID) async throws {
        let start = now.addingTimeInterval(-2 * 86_400)
        let dayAgo = now.addingTimeInterval(-86_400)
        let rebootAt = now.addingTimeInterval(-3 * 3600 + 30)
        let gapStart = now.addingTimeInterval(-6 * 3600)
        let gapEnd = gapStart.addingTimeInterval(900)
        try await db.query(
            """
            INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent, disk_latency_ms, uptime_seconds)
            SELECT \(machine), t, CASE WHEN t > \(dayAgo) THEN 95 ELSE 20 END, 50, 5,
                   CASE WHEN t > \(rebootAt) THEN extract(epoch FROM t - \(rebootAt))::bigint
                        ELSE extract(epoch FROM t - \(start))::bigint + 100000 END
            FROM generate_series(\(start)::timestamptz, \(now)::timestamptz, interval '1 minute') t
            WHERE NOT (t > \(gapStart) AND t < \(gapEnd))
            """, logger: testLogger)
        // The network collector's rows (no CPU) neither fill the gap nor count as samples.
        try await db.query(
            "INSERT INTO metrics (machine_id, recorded_at, bytes_recv) VALUES (\(machine), \(gapStart.addingTimeInterval(300)), 1000)",
            logger: testLogger)
        let old = now.addingTimeInterval(-12 * 3600)
        let recent = now.addingTimeInterval(-600)
        try await db.query(
            """
            INSERT INTO disk_info (machine_id, recorded_at, mount_point, used_percent) VALUES
                (\(machine), \(old), '/', 88), (\(machine), \(recent), '/', 70), (\(machine), \(recent), '/boot', 40)
            """, logger: testLogger)
        try await db.query(
            """
            INSERT INTO smart_data (machine_id, recorded_at, device, smart_status) VALUES
                (\(machine), \(old), 'sda', 'healthy'), (\(machine), \(recent), 'sda', 'warning'), (\(machine), \(recent), 'sdb', 'healthy')
            """, logger: testLogger)
        let security = #"{"firewall_enabled": false, "antivirus": {"name": "ClamAV", "enabled": true, "updated": false}, "ports": []}"#
        let patches = """
            {"pending_updates": [{"title": "openssl", "category": "Security", "is_important": false},
                                 {"title": "kernel", "category": "Other", "is_important": true},
                                 {"title": "vim", "category": "Other", "is_important": false}], "reboot_required": true}
            """
        try await db.query(
            """
            INSERT INTO machine_collector_data (machine_id, collector, data) VALUES
                (\(machine), 'security', \(security)::jsonb), (\(machine), 'patches', \(patches)::jsonb)
            """, logger: testLogger)
        let hourAgo = now.addingTimeInterval(-3600)
        let twoDaysAgo = now.addingTimeInterval(-2 * 86_400 + 60)
        try await db.query(
            """
            INSERT INTO event_logs (machine_id, recorded_at, level, message) VALUES
                (\(machine), \(hourAgo), 'critical', 'a'), (\(machine), \(hourAgo), 'critical', 'b'),
                (\(machine), \(hourAgo), 'error', 'c'), (\(machine), \(hourAgo), 'error', 'd'), (\(machine), \(hourAgo), 'error', 'e'),
                (\(machine), \(hourAgo), 'warning', 'f'), (\(machine), \(twoDaysAgo), 'critical', 'old')
            """, logger: testLogger)
    }

    @Test func inputs_and_the_score_they_give() async throws {
        try await AIDatabase.run { db in
            let client = try await Seed.client(db, name: "Acme")
            let other = try await Seed.client(db, name: "Globex")
            let machine = try await db.insertID("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'srv-01') RETURNING id")
            try await seed(db, machine: machine)
            let store = HealthInputsStore(client: db, logger: testLogger)

            let inputs = try #require(try await store.inputs(clientID: client, machineID: machine, now: now))
            // 48 h of 5-minute buckets, less the two the gap emptied, plus the bucket that opens at `now`.
            #expect(inputs.cpuPercent.count == 575 && inputs.ramPercent.count == 575 && inputs.diskLatencyMs.count == 575)
            #expect(inputs.cpuPercent.last?.value == 95 && inputs.cpuPercent.first?.value == 20)
            #expect(inputs.volumeUsedPercents.sorted() == [40, 70], "the latest value of each volume")
            #expect(inputs.smartStatuses.sorted() == ["healthy", "warning"], "the latest status of each disk")
            #expect(
                inputs.security
                    == SecurityFacts(
                        firewallEnabled: false, antivirusEnabled: true, antivirusUpToDate: false, pendingSecurityUpdates: 2, rebootRequired: true))
            #expect(inputs.stability == StabilityFacts(criticalEvents: 2, errorEvents: 3, outages: 2), "the reboot and the gap")

            let score = try #require(HealthScore(inputs, now: now))
            #expect(score.categories == [.cpu: 25, .ram: 100, .disk: 60, .security: 45, .stability: 54])
            #expect(score.trend == .declining)

            #expect(try await store.inputs(clientID: other, machineID: machine, now: now) == nil)
        }
    }

    @Test func a_silent_machine_has_stability_but_no_metrics_or_security() async throws {
        try await AIDatabase.run { db in
            let client = try await Seed.client(db, name: "Acme")
            let machine = try await db.insertID("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'new-01') RETURNING id")
            let inputs = try #require(try await HealthInputsStore(client: db, logger: testLogger).inputs(clientID: client, machineID: machine, now: now))
            #expect(inputs.cpuPercent.isEmpty && inputs.volumeUsedPercents.isEmpty && inputs.smartStatuses.isEmpty)
            #expect(inputs.security == nil && inputs.stability == StabilityFacts())
            let score = try #require(HealthScore(inputs, now: now))
            #expect(score.categories == [.stability: 100] && score.confidence == 0.2)
        }
    }
}
