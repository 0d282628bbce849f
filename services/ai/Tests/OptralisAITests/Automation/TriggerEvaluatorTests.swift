import Foundation
@testable import OptralisAI
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("AI triggers fired by the automation cycle")
struct TriggerEvaluatorTests {
    func fired(_ bed: AutomationBed, _ trigger: UUID) async throws -> [UUID] {
        try await bed.rows("SELECT machine_id FROM ai_trigger_history WHERE trigger_id = \(trigger) ORDER BY triggered_at", as: UUID.self)
    }

    func sample(_ bed: AutomationBed, _ machine: UUID, cpu: Double, at time: Date) async throws {
        try await bed.db.query(
            "INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent) VALUES (\(machine), \(time), \(cpu), 50)", logger: testLogger)
    }

    @Test func critical_machine_fires_once_for_the_machine_over_the_threshold_until_the_condition_clears() async throws {
        try await AutomationBed.run { bed in
            let client = try await bed.client(licence: "essentials")
            let hot = try await bed.machine(client: client, hostname: "srv-hot", cpu: 97)
            _ = try await bed.machine(client: client, hostname: "srv-cool", cpu: 20)
            let trigger = try await bed.trigger(
                client: client, type: "critical_machine", conditions: #"{"cpu_above": 95, "health_score_below": 10}"#,
                actions: #"{"analysis_type": "full"}"#)

            await bed.cycle.run(now: Date())
            #expect(try await fired(bed, trigger) == [hot])
            let rows = try await bed.rows(
                """
                SELECT h.status, h.trigger_reason, (h.analysis_result->>'overall_score')::int, h.analysis_result->>'requested_analysis_type', r.source
                FROM ai_trigger_history h JOIN ai_analysis_results r ON r.id = h.analysis_id
                WHERE h.trigger_id = \(trigger)
                """, as: (String, String, Int, String, String).self)
            #expect(rows.count == 1)
            #expect(rows.first.map { $0.0 == "success" && $0.1 == "CPU 97% above 95%" && $0.3 == "full" && $0.4 == "trigger" } == true, "\(rows)")
            #expect(rows.first?.2 == (try await bed.rows("SELECT health_score FROM machines WHERE id = \(hot)", as: Int.self)).first)
            let last = try await bed.rows("SELECT last_triggered_at IS NOT NULL FROM ai_triggers WHERE id = \(trigger)", as: Bool.self)
            #expect(last == [true])

            // Still hot: not again.
            await bed.cycle.run(now: Date())
            #expect(try await fired(bed, trigger) == [hot])

            // It cools down, then heats up again: a new firing.
            try await sample(bed, hot, cpu: 10, at: Date())
            await bed.cycle.run(now: Date().addingTimeInterval(1))
            #expect(try await fired(bed, trigger) == [hot])
            try await sample(bed, hot, cpu: 99, at: Date().addingTimeInterval(2))
            await bed.cycle.run(now: Date().addingTimeInterval(3))
            let again = try await bed.rows(
                "SELECT status, analysis_result->>'skipped' FROM ai_trigger_history WHERE trigger_id = \(trigger) ORDER BY triggered_at",
                as: (String, String?).self)
            #expect(again.count == 2)
            #expect(again.last.map { $0.0 == "skipped" && $0.1 == "cooldown" } == true, "the health score's cooldown holds for triggers too: \(again)")
        }
    }

    @Test func new_machine_fires_for_a_machine_created_after_the_trigger_once_its_grace_is_over() async throws {
        try await AutomationBed.run { bed in
            let client = try await bed.client()
            _ = try await bed.machine(client: client, hostname: "old-01", createdAt: Date().addingTimeInterval(-2 * 86_400))
            let fresh = try await bed.machine(client: client, hostname: "new-01", createdAt: Date().addingTimeInterval(-3600))
            _ = try await bed.machine(client: client, hostname: "newest-01", createdAt: Date().addingTimeInterval(-120))
            let trigger = try await bed.trigger(client: client, type: "new_machine", conditions: #"{"grace_minutes": 30}"#)

            await bed.cycle.run(now: Date())
            #expect(try await fired(bed, trigger) == [fresh])
            let reason = try await bed.rows("SELECT trigger_reason FROM ai_trigger_history WHERE trigger_id = \(trigger)", as: String.self)
            #expect(reason == ["New machine new-01 detected"])
            await bed.cycle.run(now: Date())
            #expect(try await fired(bed, trigger) == [fresh], "a new machine is new once")
        }
    }

    @Test func degradation_fires_on_a_z_score_above_the_limit() async throws {
        try await AutomationBed.run { bed in
            let client = try await bed.client()
            let drifting = try await bed.machine(client: client, hostname: "srv-drift")
            let steady = try await bed.machine(client: client, hostname: "srv-steady")
            try await bed.db.query(
                """
                INSERT INTO metric_baselines (machine_id, metric_type, baseline_mean, baseline_stddev, current_value, z_score, drift_detected, drift_severity)
                VALUES (\(drifting), 'ram_percent', 40, 5, 70, 6, true, 'critical'), (\(steady), 'ram_percent', 40, 5, 42, 0.4, false, NULL)
                """, logger: testLogger)
            let trigger = try await bed.trigger(client: client, type: "degradation", conditions: #"{"z_score_above": 3}"#)
            await bed.cycle.run(now: Date())
            #expect(try await fired(bed, trigger) == [drifting])
            let reason = try await bed.rows("SELECT trigger_reason FROM ai_trigger_history WHERE trigger_id = \(trigger)", as: String.self)
            #expect(reason == ["ram_percent z-score 6.0 above 3"])
        }
    }

    @Test func a_trigger_only_looks_at_its_own_clients_machines_and_needs_essentials() async throws {
        try await AutomationBed.run { bed in
            let acme = try await bed.client(name: "Acme")
            _ = try await bed.machine(client: acme, hostname: "acme-01", cpu: 20)
            let globex = try await bed.client(name: "Globex")
            let foreign = try await bed.machine(client: globex, hostname: "globex-01", cpu: 99)
            let trigger = try await bed.trigger(client: acme, type: "critical_machine", conditions: #"{"cpu_above": 95}"#)
            let starter = try await bed.client(licence: "starter", name: "Small")
            _ = try await bed.machine(client: starter, hostname: "small-01", cpu: 99)
            let small = try await bed.trigger(client: starter, type: "critical_machine", conditions: #"{"cpu_above": 95}"#)

            await bed.cycle.run(now: Date())
            #expect(try await fired(bed, trigger).isEmpty)
            #expect(try await fired(bed, small).isEmpty, "triggers are Essentials and above")
            #expect(try await bed.rows("SELECT count(*)::int FROM ai_analysis_results WHERE machine_id = \(foreign)", as: Int.self) == [0])
        }
    }

    @Test func offline_and_disk_are_read_from_last_seen_and_the_latest_disk_snapshot() async throws {
        try await AutomationBed.run { bed in
            let client = try await bed.client()
            let machine = try await bed.machine(client: client, hostname: "srv-disk")
            try await bed.db.query(
                """
                UPDATE machines SET last_seen = now() - interval '30 minutes' WHERE id = \(machine);
                """, logger: testLogger)
            try await bed.db.query(
                """
                INSERT INTO disk_info (machine_id, recorded_at, mount_point, used_percent) VALUES
                    (\(machine), now() - interval '2 hours', '/', 99), (\(machine), now() - interval '35 minutes', '/', 40),
                    (\(machine), now() - interval '35 minutes', '/data', 95.5)
                """, logger: testLogger)
            let trigger = try await bed.trigger(client: client, type: "critical_machine", conditions: #"{"offline_minutes": 15, "disk_above": 90}"#)
            await bed.cycle.run(now: Date())
            let reason = try await bed.rows("SELECT trigger_reason FROM ai_trigger_history WHERE trigger_id = \(trigger)", as: String.self)
            #expect(reason == ["Offline for 30 minutes (limit 15); Disk 95.5% above 90%"])
        }
    }

    @Test func degradation_fires_on_a_health_drop_against_the_recent_analyses() async throws {
        try await AutomationBed.run { bed in
            let client = try await bed.client()
            let machine = try await bed.machine(client: client, hostname: "srv-sliding")
            try await bed.db.query(
                """
                INSERT INTO ai_analysis_results (client_id, machine_id, analysis_type, result, overall_score, created_at)
                VALUES (\(client), \(machine), 'health_score', '{}', 92, now() - interval '2 days'),
                       (\(client), \(machine), 'health_score', '{}', 99, now() - interval '10 days')
                """, logger: testLogger)
            try await bed.db.query("UPDATE machines SET health_score = 70 WHERE id = \(machine)", logger: testLogger)
            let trigger = try await bed.trigger(client: client, type: "degradation", conditions: #"{"health_score_drop": 20, "trend_days": 7}"#)
            await bed.cycle.run(now: Date())
            let reason = try await bed.rows("SELECT trigger_reason FROM ai_trigger_history WHERE trigger_id = \(trigger)", as: String.self)
            #expect(reason == ["Health score dropped 22 points in 7 days (92 → 70)"], "the 99 of ten days ago is outside trend_days")
        }
    }
}
