import Foundation
@testable import OptralisAI
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("The AI service's automation worker")
struct AutomationWorkerTests {
    /// The real application: its worker picks up a routine made due while it runs, on its own.
    @Test func the_running_service_runs_a_due_routine_within_its_interval() async throws {
        try await AIHarness.run(environment: ["AI_AUTOMATION_INTERVAL_SECONDS": "1"]) { harness in
            let routine = try await harness.withDatabase { db in
                let client = try await Seed.client(db, name: "Acme", licence: "business")
                return try await db.insertID(
                    """
                    INSERT INTO ai_routines (client_id, routine_type, schedule, next_run_at)
                    VALUES (\(client), 'daily_health_check', '@hourly', now() - interval '1 minute') RETURNING id
                    """)
            }
            // The run is recorded `running` when it starts: wait for its end.
            var statuses: [String] = []
            for _ in 0..<100 where statuses.isEmpty || statuses == ["running"] {
                try await Task.sleep(for: .milliseconds(100))
                statuses = try await harness.withDatabase { db in
                    try await db.query("SELECT status FROM ai_routine_history WHERE routine_id = \(routine)", logger: testLogger)
                        .decode(String.self).reduce(into: [String]()) { $0.append($1) }
                }
            }
            #expect(statuses == ["success"], "no machine: an empty, successful run")
        }
    }
}
