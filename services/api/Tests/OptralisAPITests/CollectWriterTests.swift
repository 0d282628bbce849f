import Foundation
import Logging
import OptralisCore
import OptralisTestSupport
import PostgresNIO
import Testing

@testable import OptralisAPI

/// `metrics` has no foreign key to `machines` (migration 0015): the replay mark the writer locks
/// in the same statement guards the rows instead, and a trigger deletes them with their machine.
@Suite("Collect writer: metrics rows and deleted machines")
struct CollectWriterTests {
    static func post(_ machine: UUID, _ collector: String = "metrics", sequence: Int) throws -> CollectItem {
        let now = ISO8601DateFormatter().string(from: Date())
        let body = try AgentCollectTests.envelope(collector, sequence: sequence, at: now)
        return CollectItem(machineID: machine, payload: try CollectPayload.decode(Data(body.utf8)))
    }

    static func metricsRows(_ api: APIHarness, _ machine: UUID) async throws -> Int {
        try await count(api, "SELECT count(*)::int FROM metrics WHERE machine_id = \(machine)")
    }

    static func count(_ api: APIHarness, _ query: PostgresQuery) async throws -> Int {
        try await api.database.withClient { db in try await db.query(query, logger: testLogger).decode(Int.self).collect().first ?? -1 }
    }

    /// The statement writes all of a batch or nothing: a batch holding a retry and a first post
    /// is written by passes that leave the retry out and create the missing mark, and each new
    /// post's rows land once, the retry's not again.
    @Test func a_batch_with_a_retry_and_a_first_post_stores_each_new_posts_rows_once() async throws {
        try await APIHarness.run { api in
            let machine = try await api.seedMachine(client: try await api.seedClient(), hostname: "mixed")
            let (first, second) = try await api.database.withClient { db in
                let writer = CollectWriter(database: db, logger: testLogger)
                let first = try await writer.write([try Self.post(machine, "events", sequence: 1), try Self.post(machine, "storage", sequence: 1)])
                let second = try await writer.write([
                    try Self.post(machine, "events", sequence: 1), try Self.post(machine, "events", sequence: 2),
                    try Self.post(machine, "storage", sequence: 2), try Self.post(machine, sequence: 1),
                ])
                return (first, second)
            }
            #expect(first == [true, true])
            #expect(second == [false, true, true, true])
            // Three events and three filesystems per post (the fixtures).
            #expect(try await Self.count(api, "SELECT count(*)::int FROM event_logs WHERE machine_id = \(machine)") == 6)
            #expect(try await Self.count(api, "SELECT count(*)::int FROM disk_info WHERE machine_id = \(machine)") == 6)
            #expect(try await Self.metricsRows(api, machine) == 1)
            let marks = try await Self.count(
                api,
                "SELECT sum(last_sequence * CASE kind WHEN 'events' THEN 100 WHEN 'storage' THEN 10 ELSE 1 END)::int FROM agent_collect_sequences WHERE machine_id = \(machine)"
            )
            #expect(marks == 221, "events 2, storage 2, metrics 1")
        }
    }

    @Test func a_post_for_a_machine_that_does_not_exist_stores_nothing_and_is_a_404() async throws {
        try await APIHarness.run { api in
            let ghost = UUID()
            let answer = try await api.database.withClient { db in
                let committer = CollectCommitter(writer: CollectWriter(database: db, logger: testLogger), logger: testLogger)
                do {
                    _ = try await committer.submit([try Self.post(ghost, sequence: 1), try Self.post(ghost, "network", sequence: 1)])
                    return "stored"
                } catch let error as AppError {
                    return error.code
                }
            }
            #expect(answer == "MACHINE_NOT_FOUND")
            #expect(try await Self.metricsRows(api, ghost) == 0)
        }
    }

    @Test func a_machine_deleted_alone_or_with_its_client_takes_its_metrics_and_later_posts_are_404() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let (deleted, kept, withClient) = (
                try await api.seedMachine(client: client, hostname: "deleted"), try await api.seedMachine(client: client, hostname: "kept"),
                try await api.seedMachine(client: try await api.seedClient(), hostname: "with-client")
            )
            let stored = try await api.database.withClient { db in
                let writer = CollectWriter(database: db, logger: testLogger)
                var stored: [Bool] = []
                for machine in [deleted, kept, withClient] {
                    stored += try await writer.write([try Self.post(machine, sequence: 1), try Self.post(machine, "network", sequence: 1)])
                }
                return stored
            }
            #expect(stored == Array(repeating: true, count: 6))
            #expect(try await Self.metricsRows(api, deleted) == 2)

            try await api.sql("DELETE FROM machines WHERE id = \(deleted)")
            try await api.sql("DELETE FROM clients WHERE id = (SELECT client_id FROM machines WHERE id = \(withClient))")
            #expect(try await Self.metricsRows(api, deleted) == 0)
            #expect(try await Self.metricsRows(api, withClient) == 0)
            #expect(try await Self.metricsRows(api, kept) == 2, "another machine's rows stay")

            // Its mark went with it: the next post finds none, and creating one fails on the machine.
            let answer = try await api.database.withClient { db in
                let committer = CollectCommitter(writer: CollectWriter(database: db, logger: testLogger), logger: testLogger)
                do { return try await committer.submit(try Self.post(deleted, sequence: 2)) ? "stored" : "duplicate" } catch let error as AppError {
                    return error.code
                }
            }
            #expect(answer == "MACHINE_NOT_FOUND")
            #expect(try await Self.metricsRows(api, deleted) == 0)
        }
    }

    /// Each migration that adds a collector redefines the replay marks' CHECK constraint; one that
    /// forgot another's kind made that collector's first post a 400.
    @Test func every_collector_kind_can_have_a_replay_mark() async throws {
        try await APIHarness.run { api in
            let machine = try await api.seedMachine(client: try await api.seedClient(), hostname: "marks")
            for kind in CollectKind.allCases {
                try await api.sql("INSERT INTO agent_collect_sequences (machine_id, kind, last_sequence) VALUES (\(machine), \(kind.rawValue), 0)")
            }
            let marks = try await api.database.withClient { db in
                try await db.query("SELECT count(*)::int FROM agent_collect_sequences WHERE machine_id = \(machine)", logger: testLogger).decode(Int.self)
                    .collect().first
            }
            #expect(marks == CollectKind.allCases.count)
        }
    }
}
