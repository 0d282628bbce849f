import Foundation
@testable import OptralisAI
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("Automatic health score refresh")
struct HealthScoreRefreshTests {
    /// `machines.health_score`, `health_score_at` and `health_score_source` of one machine.
    func column(_ bed: AutomationBed, _ machine: UUID) async throws -> (score: Int?, at: Date?, source: String?) {
        let rows = try await bed.rows(
            "SELECT health_score, health_score_at, health_score_source FROM machines WHERE id = \(machine)", as: (Int?, Date?, String?).self)
        return try #require(rows.first)
    }

    func count(_ bed: AutomationBed, _ table: String) async throws -> Int {
        try await bed.rows(PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(table)"), as: Int.self).first ?? -1
    }

    @Test func scores_every_machine_with_data_for_free_and_the_paid_analysis_agrees() async throws {
        let answer = NarrativeWriterTests.answer(#"{"summary": "Charge CPU élevée.", "recommendations": []}"#)
        try await FakeMessagesAPI.serve(script: { _ in answer }) { baseURL, fake in
            try await AutomationBed.run(claudeBaseURL: baseURL) { bed in
                let client = try await bed.client()
                let busy = try await bed.machine(client: client, hostname: "busy", cpu: 96)
                let idle = try await bed.machine(client: client, hostname: "idle", cpu: 20)
                let silent = try await bed.db.insertID("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'silent') RETURNING id")
                // Reported two days ago, with an old score: nothing in the last 24 hours to judge.
                let gone = try await bed.db.insertID(
                    "INSERT INTO machines (client_id, hostname, health_score) VALUES (\(client), 'gone', 90) RETURNING id")
                try await bed.db.query(
                    "INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent) VALUES (\(gone), now() - interval '2 days', 10, 10)",
                    logger: testLogger)
                let suspended = try await bed.client(name: "Gone Inc")
                try await bed.db.query("UPDATE clients SET license_status = 'suspended' WHERE id = \(suspended)", logger: testLogger)
                let elsewhere = try await bed.machine(client: suspended, hostname: "elsewhere", cpu: 96)

                let refresh = HealthScoreRefresh(database: bed.db, logger: testLogger)
                let now = Date()
                #expect(await refresh.run(now: now) == .init(scored: 2, skipped: 2, failed: 0, complete: true))

                // CPU p95 96 % → 20; RAM 100; stability 100: (20×0.2 + 100×0.2 + 100×0.2) / 0.6 = 73.
                let busyColumn = try await column(bed, busy)
                #expect(busyColumn.score == 73 && busyColumn.source == "auto")
                #expect(abs((busyColumn.at ?? .distantPast).timeIntervalSince(now)) < 0.01)
                #expect(try await column(bed, idle).score == 100)
                let silentColumn = try await column(bed, silent)
                #expect(silentColumn.score == nil && silentColumn.at != nil, "no data: NULL, shown as —")
                #expect(try await column(bed, gone).score == nil, "a score without recent data is cleared")
                #expect(try await column(bed, elsewhere).at == nil, "a suspended client's machines are left alone")
                // Free: no quota, no stored analysis, no Claude.
                let usage = try await count(bed, "ai_usage"), results = try await count(bed, "ai_analysis_results")
                #expect(usage == 0 && results == 0)
                #expect(fake.requests.isEmpty)

                // Within 15 minutes nothing is due; at 15 minutes everything is computed again.
                #expect(await refresh.run(now: now.addingTimeInterval(300)) == .init())
                #expect(await refresh.run(now: now.addingTimeInterval(900)) == .init(scored: 2, skipped: 2, failed: 0, complete: true))

                // The paid analysis computes the same statistics, and the latest score wins.
                let paidAt = now.addingTimeInterval(960)
                let outcome = try await bed.cycle.routines.healthScore.analysis.run(clientID: client, machineID: busy, language: nil, now: paidAt)
                guard case .completed(let report) = outcome else {
                    Issue.record("paid analysis refused: \(outcome)")
                    return
                }
                #expect(report.score.overall == busyColumn.score)
                let stored = try await count(bed, "ai_analysis_results")
                #expect(fake.requests.count == 1 && stored == 1)
                let paidColumn = try await column(bed, busy)
                #expect(paidColumn.source == "analysis" && abs((paidColumn.at ?? .distantPast).timeIntervalSince(paidAt)) < 0.01)
                // A refresh computed before the paid analysis never replaces it.
                try await MachineHealthScoreStore(client: bed.db, logger: testLogger).write(
                    clientID: client, machineID: busy, score: 1, at: now.addingTimeInterval(930), source: .automatic)
                #expect(try await column(bed, busy).score == 73)
                #expect(
                    await refresh.run(now: now.addingTimeInterval(1800)) == .init(scored: 1, skipped: 2),
                    "busy, scored by the paid analysis at 960, is not due yet")
            }
        }
    }

    @Test func works_in_batches_and_stops_when_its_budget_is_spent() async throws {
        try await AutomationBed.run { bed in
            let client = try await bed.client()
            var machines: [UUID] = []
            for index in 0..<3 { machines.append(try await bed.machine(client: client, hostname: "srv-\(index)")) }
            var refresh = HealthScoreRefresh(database: bed.db, logger: testLogger)
            refresh.budget = .zero
            #expect(await refresh.run(now: Date()) == .init(complete: false))
            refresh.budget = .seconds(60)
            refresh.batchSize = 1
            #expect(await refresh.run(now: Date()) == .init(scored: 3, complete: true))
            for machine in machines { #expect(try await column(bed, machine).score == 100) }
        }
    }
}
