import Foundation
@testable import OptralisAI
import OptralisCore
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("AI routines run by the automation cycle")
struct RoutineRunnerTests {
    static let utc = TimeZone(identifier: "UTC")!

    @Test func a_due_routine_runs_once_scores_its_machines_and_moves_to_the_next_cron_time() async throws {
        try await AutomationBed.run { bed in
            let client = try await bed.client()
            let first = try await bed.machine(client: client, hostname: "srv-01")
            _ = try await bed.machine(client: client, hostname: "srv-02")
            let address = "ops-\(UUID().uuidString.lowercased())@example.com"
            let channel = try await bed.db.insertID(
                """
                INSERT INTO notification_channels (client_id, type, name, config)
                VALUES (\(client), 'email', 'Ops', jsonb_build_object('emails', jsonb_build_array(\(address)::text))) RETURNING id
                """)
            let routine = try await bed.routine(
                client: client, nextRunAt: Date().addingTimeInterval(-60), config: #"{"machines": "all", "notify_channels": ["\#(channel.uuidString)"]}"#)
            let now = Date()
            await bed.cycle.run(now: now)

            let history = try await bed.rows(
                "SELECT status, machines_analyzed, issues_found, (result->>'machines_skipped')::int, completed_at IS NOT NULL FROM ai_routine_history WHERE routine_id = \(routine)",
                as: (String, Int, Int, Int, Bool).self)
            #expect(history.count == 1)
            #expect(history.first.map { $0.0 == "success" && $0.1 == 2 && $0.2 == 0 && $0.3 == 0 && $0.4 } == true, "\(history)")
            let expectedNext = try #require(try CronExpression("0 8 * * *").next(after: now, in: Self.utc))
            let times = try await bed.rows("SELECT next_run_at, last_run_at FROM ai_routines WHERE id = \(routine)", as: (Date, Date).self)
            #expect(times.first.map { abs($0.0.timeIntervalSince(expectedNext)) < 0.001 && abs($0.1.timeIntervalSince(now)) < 0.001 } == true)
            let sources = try await bed.rows(
                "SELECT source FROM ai_analysis_results WHERE client_id = \(client) AND machine_id = \(first)", as: String.self)
            #expect(sources == ["routine"])

            let jobs = try await bed.redis.listRange("email:queue").filter { $0.contains(address) }
            #expect(jobs.count == 1)
            let job = try #require(jobs.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
            let data = job["data"] as? [String: String] ?? [:]
            #expect(job["type"] as? String == "routine_notification" && job["language"] as? String == "fr")
            #expect(data["subject"]?.hasPrefix("[Optralis] Routine IA daily_health_check - Acme (") == true)
            #expect(data["textBody"]?.contains("Machines analysées : 2") == true && data["textBody"]?.contains("srv-01: Score de santé") == true)

            // The next cycle finds nothing due.
            await bed.cycle.run(now: Date())
            #expect(try await bed.rows("SELECT count(*)::int FROM ai_routine_history WHERE routine_id = \(routine)", as: Int.self) == [1])
        }
    }

    @Test func a_forced_run_during_the_cooldown_counts_the_machines_as_skipped_not_failed() async throws {
        try await AutomationBed.run { bed in
            let client = try await bed.client()
            _ = try await bed.machine(client: client, hostname: "srv-01")
            let routine = try await bed.routine(client: client, type: "daily_health_score", nextRunAt: nil)
            await bed.cycle.run(now: Date())
            try await bed.db.query("UPDATE ai_routines SET next_run_at = now() WHERE id = \(routine)", logger: testLogger)
            await bed.cycle.run(now: Date().addingTimeInterval(1))
            let history = try await bed.rows(
                """
                SELECT status, machines_analyzed, (result->>'machines_skipped')::int FROM ai_routine_history
                WHERE routine_id = \(routine) ORDER BY started_at
                """, as: (String, Int, Int).self)
            #expect(history.map(\.0) == ["success", "success"])
            #expect(history.map(\.1) == [1, 0] && history.map(\.2) == [0, 1])
        }
    }

    /// The api lets an Essentials client create routines: they run, like its triggers.
    @Test func a_routine_of_an_essentials_client_runs() async throws {
        try await AutomationBed.run { bed in
            let essentials = try await bed.client(licence: "essentials", name: "Mid")
            _ = try await bed.machine(client: essentials, hostname: "mid-01")
            let routine = try await bed.routine(client: essentials, nextRunAt: Date().addingTimeInterval(-60))
            await bed.cycle.run(now: Date())
            #expect(try await bed.rows("SELECT count(*)::int FROM ai_routine_history WHERE routine_id = \(routine)", as: Int.self) == [1])
            #expect(try await bed.rows("SELECT count(*)::int FROM ai_routines WHERE id = \(routine) AND last_run_at IS NOT NULL", as: Int.self) == [1])
        }
    }

    @Test func routines_not_due_disabled_or_of_a_starter_client_do_not_run() async throws {
        try await AutomationBed.run { bed in
            let pro = try await bed.client()
            _ = try await bed.machine(client: pro, hostname: "srv-01")
            let later = try await bed.routine(client: pro, nextRunAt: Date().addingTimeInterval(3600))
            let disabled = try await bed.routine(client: pro, enabled: false, nextRunAt: Date().addingTimeInterval(-60))
            let starter = try await bed.client(licence: "starter", name: "Small")
            _ = try await bed.machine(client: starter, hostname: "small-01")
            let small = try await bed.routine(client: starter, nextRunAt: Date().addingTimeInterval(-60))
            let suspended = try await bed.client(licence: "enterprise", name: "Late payer")
            try await bed.db.query("UPDATE clients SET license_status = 'suspended' WHERE id = \(suspended)", logger: testLogger)
            let unpaid = try await bed.routine(client: suspended, nextRunAt: nil)

            await bed.cycle.run(now: Date())
            #expect(try await bed.rows("SELECT count(*)::int FROM ai_routine_history", as: Int.self) == [0])
            #expect(try await bed.rows("SELECT count(*)::int FROM ai_analysis_results", as: Int.self) == [0])
            let untouched = try await bed.rows(
                "SELECT count(*)::int FROM ai_routines WHERE id = ANY(\([later, disabled, small, unpaid])::uuid[]) AND last_run_at IS NULL", as: Int.self)
            #expect(untouched == [4])
        }
    }

    @Test func two_runners_at_once_run_an_occurrence_once() async throws {
        try await AutomationBed.run { bed in
            let client = try await bed.client()
            _ = try await bed.machine(client: client, hostname: "srv-01")
            let routine = try await bed.routine(client: client, type: "drift_detection", nextRunAt: Date().addingTimeInterval(-60))
            let now = Date()
            async let one = bed.cycle.routines.runDue(now: now)
            async let two = bed.cycle.routines.runDue(now: now)
            let ran = try await one + two
            #expect(ran == [routine])
            #expect(try await bed.rows("SELECT count(*)::int FROM ai_routine_history WHERE routine_id = \(routine)", as: Int.self) == [1])
        }
    }

    /// A machine whose last hour of CPU is far above the week before: a CPU drift.
    func driftingMachine(_ bed: AutomationBed, client: UUID) async throws -> UUID {
        let machine = try await bed.machine(client: client, hostname: "srv-01")
        try await bed.db.query(
            "UPDATE metrics SET cpu_percent = 20 + (extract(epoch FROM recorded_at)::bigint / 300 % 5) WHERE machine_id = \(machine)", logger: testLogger)
        try await bed.db.query(
            "UPDATE metrics SET cpu_percent = 90 WHERE machine_id = \(machine) AND recorded_at > now() - interval '50 minutes'", logger: testLogger)
        // The week of hourly means the baseline is measured on (the scheduler's roll-ups).
        try await bed.db.query(
            """
            INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, ram_avg, sample_count)
            SELECT \(machine), b, 20 + (extract(epoch FROM b)::bigint / 3600 % 5), 50, 12
            FROM generate_series(date_trunc('hour', now()) - interval '7 days', date_trunc('hour', now()) - interval '2 hours', interval '1 hour') b
            """, logger: testLogger)
        return machine
    }

    @Test func drift_detection_measures_baselines_and_a_weekly_report_routine_stores_its_report() async throws {
        try await AutomationBed.run { bed in
            let client = try await bed.client()
            let machine = try await driftingMachine(bed, client: client)
            let drift = try await bed.routine(client: client, type: "drift_detection", nextRunAt: nil)
            let weekly = try await bed.routine(client: client, type: "weekly_report", schedule: "0 8 * * 1", nextRunAt: nil)
            let trends = try await bed.routine(client: client, type: "trend_analysis", schedule: "0 9 * * *", nextRunAt: nil)
            try await bed.db.query(
                """
                INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, cpu_max, ram_avg, ram_max, sample_count)
                SELECT \(machine), b, 30, 60, 50, 55, 360 FROM generate_series(now() - interval '20 days', now() - interval '1 hour', interval '1 hour') b
                """, logger: testLogger)
            await bed.cycle.run(now: Date())

            let driftRun = try await bed.rows(
                "SELECT status, machines_analyzed, issues_found FROM ai_routine_history WHERE routine_id = \(drift)", as: (String, Int, Int).self)
            #expect(driftRun.first.map { $0.0 == "success" && $0.1 == 1 && $0.2 == 1 } == true, "\(driftRun)")
            let drifting = try await bed.rows(
                "SELECT metric_type FROM metric_baselines WHERE machine_id = \(machine) AND drift_detected", as: String.self)
            #expect(drifting == ["cpu_percent"])
            let report = try await bed.rows(
                "SELECT status, error_message FROM ai_routine_history WHERE routine_id = \(weekly)", as: (String, String?).self)
            #expect(report.first?.0 == "success", "\(report)")
            let stored = try await bed.rows(
                "SELECT report_type || ' ' || format || ' ' || (html LIKE '<!DOCTYPE html>%')::text FROM ai_reports WHERE routine_id = \(weekly)",
                as: String.self)
            #expect(stored == ["weekly executive true"], "the report is stored with its routine")
            let trend = try await bed.rows(
                "SELECT status, error_message FROM ai_routine_history WHERE routine_id = \(trends)", as: (String, String?).self)
            #expect(trend.first?.0 == "success", "\(trend)")
            let analysis = try await bed.rows(
                "SELECT source FROM ai_analysis_results WHERE machine_id = \(machine) AND analysis_type = 'trends'", as: String.self)
            #expect(analysis == ["routine"], "the trend analysis is stored as the routine's")
            let next = try await bed.rows("SELECT next_run_at FROM ai_routines WHERE id = \(trends)", as: Date.self)
            #expect(next.first.map { $0 > Date() } == true, "the routine moves to its next occurrence")
        }
    }

    @Test func a_run_left_running_by_a_dead_replica_is_marked_failed() async throws {
        try await AutomationBed.run { bed in
            let client = try await bed.client()
            let routine = try await bed.routine(client: client, nextRunAt: Date().addingTimeInterval(3600))
            try await bed.db.query(
                """
                INSERT INTO ai_routine_history (client_id, routine_id, routine_type, status, started_at) VALUES
                    (\(client), \(routine), 'daily_health_check', 'running', now() - interval '7 hours'),
                    (\(client), \(routine), 'daily_health_check', 'running', now() - interval '1 hour')
                """, logger: testLogger)
            await bed.cycle.run(now: Date())
            let statuses = try await bed.rows(
                "SELECT status, error_message FROM ai_routine_history WHERE routine_id = \(routine) ORDER BY started_at", as: (String, String?).self)
            #expect(statuses.map(\.0) == ["failed", "running"], "a run of an hour may still be going")
            #expect(statuses.first?.1?.hasPrefix("interrupted") == true)
        }
    }

    @Test func claude_explains_a_new_drift_once_for_one_quota_unit() async throws {
        let answer = NarrativeWriterTests.answer("Un processus consomme le CPU depuis une heure ; vérifiez top.")
        try await FakeMessagesAPI.serve(script: { _ in answer }) { baseURL, fake in
            try await AutomationBed.run(claudeBaseURL: baseURL) { bed in
                let client = try await bed.client()
                let machine = try await driftingMachine(bed, client: client)
                let routine = try await bed.routine(client: client, type: "drift_detection", nextRunAt: nil)
                await bed.cycle.run(now: Date())
                let explanation = try await bed.rows(
                    "SELECT drift_explanation FROM metric_baselines WHERE machine_id = \(machine) AND drift_detected", as: String?.self)
                #expect(explanation == ["Un processus consomme le CPU depuis une heure ; vérifiez top."])
                let prompt = (fake.requests.first?.json["messages"] as? [[String: Any]])?.first?["content"] as? String
                #expect(prompt?.contains("Sur la machine srv-01, la métrique cpu_percent") == true, "\(prompt ?? "no request")")

                try await bed.db.query("UPDATE ai_routines SET next_run_at = now() WHERE id = \(routine)", logger: testLogger)
                await bed.cycle.run(now: Date().addingTimeInterval(1))
                #expect(fake.requests.count == 1, "a drift that lasts is explained once")
                #expect(try await bed.rows("SELECT units_used FROM ai_usage WHERE client_id = \(client)", as: Int.self) == [1])
            }
        }
    }
}
