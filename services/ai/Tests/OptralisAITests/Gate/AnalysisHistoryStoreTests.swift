import Foundation
@testable import OptralisAI
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("Analysis history: last analysis, fingerprint, new events")
struct AnalysisHistoryStoreTests {
    let now = SyntheticSeries.now

    struct Fixture: Sendable {
        let store: AnalysisHistoryStore
        let db: PostgresClient
        let client: UUID
        let machine: UUID
        let otherClient: UUID
        let openAlert: UUID
    }

    /// A machine with an hour of metrics (CPU 30 then 50, RAM 60), two disk snapshots, one open
    /// and one resolved alert, and a client of its own next door.
    func withFixture(_ body: @Sendable (Fixture) async throws -> Void) async throws {
        let now = self.now
        try await AIDatabase.run { db in
            let client = try await Seed.client(db, name: "Acme")
            let other = try await Seed.client(db, name: "Globex")
            let machine = try await db.insertID("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'srv-01') RETURNING id")
            let times = (0..<12).map { now.addingTimeInterval(-Double(11 - $0) * 300) }
            try await db.query(
                """
                INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent)
                SELECT \(machine), t, CASE WHEN n <= 6 THEN 30 ELSE 50 END, 60 FROM unnest(\(times)::timestamptz[]) WITH ORDINALITY AS x(t, n)
                """, logger: testLogger)
            let old = now.addingTimeInterval(-7200)
            let recent = now.addingTimeInterval(-300)
            try await db.query(
                """
                INSERT INTO disk_info (machine_id, recorded_at, mount_point, used_percent) VALUES
                    (\(machine), \(old), '/', 95), (\(machine), \(recent), '/', 40), (\(machine), \(recent), '/data', 72.5)
                """, logger: testLogger)
            let open = try await db.insertID(
                """
                INSERT INTO alert_rule_history (client_id, machine_id, rule_name, metric, operator, threshold, severity, triggered_value)
                VALUES (\(client), \(machine), 'CPU', 'cpu', '>', 90, 'critical', 95) RETURNING id
                """)
            try await db.query(
                """
                INSERT INTO alert_rule_history (client_id, machine_id, rule_name, metric, operator, threshold, severity, triggered_value, resolved_at)
                VALUES (\(client), \(machine), 'RAM', 'ram', '>', 90, 'warning', 92, \(now))
                """, logger: testLogger)
            try await body(
                Fixture(
                    store: AnalysisHistoryStore(client: db, logger: testLogger), db: db, client: client, machine: machine, otherClient: other,
                    openAlert: open))
        }
    }

    @Test func the_fingerprint_reads_the_machine_as_it_is() async throws {
        try await withFixture { fixture in
            let fingerprint = try #require(try await fixture.store.fingerprint(clientID: fixture.client, machineID: fixture.machine, now: now))
            #expect(fingerprint.latestSampleAt == now)
            // The hour (now − 1 h, now] holds 12 samples: six at 30 and six at 50.
            #expect(fingerprint.cpuPercent == 40 && fingerprint.ramPercent == 60)
            #expect(fingerprint.diskPercent == 72.5, "the fullest volume of the latest snapshot, not the older 95 %")
            #expect(fingerprint.openAlertIDs == [fixture.openAlert])
            #expect(try await fixture.store.fingerprint(clientID: fixture.otherClient, machineID: fixture.machine, now: now) == nil)
        }
    }

    @Test func the_latest_analysis_of_a_kind_with_its_issues() async throws {
        try await withFixture { fixture in
            let store = fixture.store
            #expect(try await store.latest(clientID: fixture.client, machineID: fixture.machine, kind: .healthScore) == nil)
            let fingerprint = DataFingerprint(latestSampleAt: now, cpuPercent: 40, ramPercent: 60, diskPercent: 72.5, openAlertIDs: [])
            for (minutesAgo, title) in [(50, "Ancien"), (20, "High CPU usage")] {
                let result = #"{"top_issues": [{"type": "issue", "title": "\#(title)"}, {"type": "issue", "title": "Low disk space"}]}"#
                try await fixture.db.query(
                    """
                    INSERT INTO ai_analysis_results (client_id, machine_id, analysis_type, result, data_fingerprint, created_at)
                    VALUES (\(fixture.client), \(fixture.machine), 'health_score', \(result)::jsonb, \(fingerprint.json)::jsonb,
                            \(now.addingTimeInterval(-Double(minutesAgo) * 60)))
                    """, logger: testLogger)
            }
            try await fixture.db.query(
                """
                INSERT INTO ai_analysis_results (client_id, machine_id, analysis_type, result, created_at)
                VALUES (\(fixture.client), \(fixture.machine), 'trends', '{"top_issues": "none"}'::jsonb, \(now))
                """, logger: testLogger)

            let last = try #require(try await store.latest(clientID: fixture.client, machineID: fixture.machine, kind: .healthScore))
            #expect(last.createdAt == now.addingTimeInterval(-1200))
            #expect(last.fingerprint == fingerprint && last.issues == ["High CPU usage", "Low disk space"])
            #expect(Cooldown(lastAnalysisAt: last.createdAt, kind: .healthScore, now: now)?.remainingSeconds == 600)

            let trends = try #require(try await store.latest(clientID: fixture.client, machineID: fixture.machine, kind: .trends))
            #expect(trends.fingerprint == nil && trends.issues.isEmpty)
            #expect(try await store.latest(clientID: fixture.otherClient, machineID: fixture.machine, kind: .healthScore) == nil)
        }
    }

    @Test func new_events_count_by_arrival() async throws {
        try await withFixture { fixture in
            let since = now.addingTimeInterval(-600)
            try await fixture.db.query(
                """
                INSERT INTO event_logs (machine_id, recorded_at, level, message, received_at) VALUES
                    (\(fixture.machine), \(now.addingTimeInterval(-86_400)), 'error', 'spooled while offline', \(now)),
                    (\(fixture.machine), \(now), 'critical', 'kernel panic', \(now)),
                    (\(fixture.machine), \(now), 'warning', 'slow', \(now)),
                    (\(fixture.machine), \(now.addingTimeInterval(-3600)), 'error', 'before the analysis', \(now.addingTimeInterval(-3600)))
                """, logger: testLogger)
            let counts = try await fixture.store.newEvents(clientID: fixture.client, machineID: fixture.machine, since: since)
            #expect(counts.errors == 2 && counts.critical == 1)
            let foreign = try await fixture.store.newEvents(clientID: fixture.otherClient, machineID: fixture.machine, since: since)
            #expect(foreign.errors == 0 && foreign.critical == 0)
        }
    }
}
