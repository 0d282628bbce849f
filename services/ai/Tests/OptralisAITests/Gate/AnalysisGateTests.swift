import Foundation
@testable import OptralisAI
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("Checks before an analysis, in the spec's order")
struct AnalysisGateTests {
    let now = SyntheticSeries.now

    func addMetrics(_ db: PostgresClient, machine: UUID, cpu: Double, at time: Date) async throws {
        try await db.query(
            "INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent) VALUES (\(machine), \(time), \(cpu), 50)", logger: testLogger)
    }

    /// Records an analysis as the endpoint will: its fingerprint and issues.
    func recordAnalysis(_ db: PostgresClient, client: UUID, machine: UUID, fingerprint: DataFingerprint, at time: Date) async throws {
        let result = #"{"top_issues": [{"title": "High CPU usage"}]}"#
        try await db.query(
            """
            INSERT INTO ai_analysis_results (client_id, machine_id, analysis_type, result, data_fingerprint, created_at)
            VALUES (\(client), \(machine), 'health_score', \(result)::jsonb, \(fingerprint.json)::jsonb, \(time))
            """, logger: testLogger)
    }

    @Test func a_machine_goes_through_every_check_in_order() async throws {
        try await AIDatabase.run { db in
            let client = try await Seed.client(db, name: "Acme", licence: "trial")
            let other = try await Seed.client(db, name: "Globex")
            let machine = try await db.insertID("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'srv-01') RETURNING id")
            let gate = AnalysisGate(database: db, logger: testLogger)
            try await addMetrics(db, machine: machine, cpu: 40, at: now.addingTimeInterval(-60))

            #expect(try await gate.check(clientID: client, machineID: machine, kind: .degradation, now: now) == .premiumRequired)
            #expect(try await gate.check(clientID: other, machineID: machine, kind: .healthScore, now: now) == .machineNotFound)
            #expect(try await gate.check(clientID: UUID(), machineID: machine, kind: .healthScore, now: now) == .machineNotFound)

            // 1st: nothing before, runs and takes a unit.
            guard case .proceed(nil, let fingerprint) = try await gate.check(clientID: client, machineID: machine, kind: .healthScore, now: now) else {
                Issue.record("the first analysis should run")
                return
            }
            #expect(fingerprint.cpuPercent == 40)
            #expect(try await gate.quota.status(clientID: client, now: now)?.used == 1)
            try await recordAnalysis(db, client: client, machine: machine, fingerprint: fingerprint, at: now)

            // Ten minutes later: cooldown (30 min for the health score), no unit taken.
            let cooldown = try await gate.check(clientID: client, machineID: machine, kind: .healthScore, now: now.addingTimeInterval(600))
            #expect(cooldown == .cooldown(Cooldown(lastAnalysisAt: now, kind: .healthScore, now: now.addingTimeInterval(600))!))
            let cooldownBody = try json(cooldown)
            #expect(cooldown.status == 429 && cooldownBody.contains(#""remaining_secs":1200"#))

            // After the cooldown, nothing new.
            let later = now.addingTimeInterval(1900)
            let stale = try await gate.check(clientID: client, machineID: machine, kind: .healthScore, now: later)
            #expect(stale == .noNewData(lastAnalysis: now) && stale.status == 304)

            // New samples, but close to before.
            try await addMetrics(db, machine: machine, cpu: 48, at: later.addingTimeInterval(-30))
            let same = try await gate.check(clientID: client, machineID: machine, kind: .healthScore, now: later)
            #expect(same == .noSignificantChanges(previousIssues: ["High CPU usage"], lastAnalysis: now))
            let sameBody = try json(same, .en)
            #expect(sameBody.contains(#""previous_issues":["High CPU usage"]"#) && sameBody.contains("The issues found last time"))

            // A jump of CPU: runs, and another analysis kind has its own cooldown and history.
            try await addMetrics(db, machine: machine, cpu: 99, at: later.addingTimeInterval(-20))
            try await addMetrics(db, machine: machine, cpu: 99, at: later.addingTimeInterval(-10))
            guard case .proceed(let previous?, _) = try await gate.check(clientID: client, machineID: machine, kind: .healthScore, now: later) else {
                Issue.record("a significant change should run")
                return
            }
            #expect(previous.createdAt == now)
            #expect(try await gate.quota.status(clientID: client, now: later)?.used == 2)
        }
    }

    @Test func quota_is_checked_last() async throws {
        try await AIDatabase.run { db in
            let client = try await Seed.client(db, name: "Acme", licence: "pro")
            let machine = try await db.insertID("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'srv-01') RETURNING id")
            let gate = AnalysisGate(database: db, logger: testLogger)
            #expect(try await gate.quota.setLimit(clientID: client, monthlyLimit: 4, setBy: nil))

            let full = try await gate.check(clientID: client, machineID: machine, kind: .predictiveMaintenance, now: now)
            guard case .quotaExceeded(let status) = full else {
                Issue.record("5 units do not fit in 4: \(full)")
                return
            }
            #expect(status.monthlyLimit == 4 && status.used == 0 && full.status == 429)
            #expect(
                try json(full)
                    == #"{"code":"QUOTA_EXCEEDED","error":"Monthly AI quota exceeded","monthly_limit":4,"resets_at":"2027-02-01T00:00:00Z","used":0}"#)

            guard case .proceed(_, let fingerprint) = try await gate.check(clientID: client, machineID: machine, kind: .full, now: now) else {
                Issue.record("3 units fit in 4")
                return
            }
            try await db.query(
                """
                INSERT INTO ai_analysis_results (client_id, machine_id, analysis_type, result, data_fingerprint, created_at)
                VALUES (\(client), \(machine), 'full', '{}'::jsonb, \(fingerprint.json)::jsonb, \(now))
                """, logger: testLogger)
            #expect(
                try await gate.check(clientID: client, machineID: machine, kind: .full, now: now.addingTimeInterval(60))
                    == .cooldown(Cooldown(lastAnalysisAt: now, kind: .full, now: now.addingTimeInterval(60))!), "cooldown before quota")
        }
    }

    @Test func refusal_bodies_use_the_spec_fields() throws {
        let cooldown = GateDecision.cooldown(Cooldown(lastAnalysisAt: now, kind: .logs, now: now.addingTimeInterval(480))!)
        #expect(try json(cooldown) == #"{"cooldown":true,"error":"Analysis on cooldown","next_available":"2027-01-15T08:15:00Z","remaining_secs":420}"#)
        #expect(
            try json(.noNewData(lastAnalysis: now))
                == #"{"code":"NO_NEW_DATA","error":"No new data since last analysis","last_analysis":"2027-01-15T08:00:00Z"}"#)
        #expect(
            try json(.noSignificantChanges(previousIssues: ["Low disk space"], lastAnalysis: now)) == """
                {"code":"NO_SIGNIFICANT_CHANGES","error":"No significant changes detected","last_analysis":"2027-01-15T08:00:00Z",\
                "message":"Les problèmes identifiés précédemment sont toujours présents, sans changement significatif depuis la dernière analyse.",\
                "previous_issues":["Low disk space"]}
                """)
        #expect(try json(.premiumRequired) == #"{"code":"PREMIUM_REQUIRED","error":"This analysis requires a Pro, Business or Enterprise licence"}"#)
        let proceedHasNoBody = GateDecision.proceed(previous: nil, fingerprint: DataFingerprint(openAlertIDs: [])).body(language: .fr) == nil
        #expect(proceedHasNoBody)
    }

    /// The refusal's body as the route will send it.
    func json(_ decision: GateDecision, _ language: AILanguage = .fr) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = decision.body(language: language)
        try #require(body != nil, "\(decision) has a body")
        return String(decoding: try encoder.encode(body!), as: UTF8.self)
    }
}
