import Foundation
import OptralisTestSupport
import PostgresNIO
import Synchronization
import Testing

@testable import OptralisAPI

/// The group commit behind collect posts and heartbeats (``GroupCommit``), and the heartbeats'
/// statement it writes (``BeatStatement``).
@Suite("Group commit: batches, failures, heartbeats")
struct GroupCommitTests {
    /// The batches a write was given, in order.
    final class Batches: Sendable {
        let seen = Mutex<[[Int]]>([])
        func record(_ batch: [Int]) { seen.withLock { $0.append(batch) } }
        var all: [[Int]] { seen.withLock { $0 } }
    }

    @Test func requests_arriving_while_a_batch_is_written_go_together_into_the_next_one() async throws {
        let batches = Batches()
        let commit = GroupCommit<Int, Int>(metrics: nil, maximumBatch: 1_000, logger: testLogger) { requests in
            batches.record(requests)
            try await Task.sleep(for: .milliseconds(200))
            return requests.map { $0 * 10 }
        }
        let first = Task { try await commit.submit(0) }
        // The first batch (request 0 alone) is being written while the others arrive.
        while batches.all.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for request in 1...40 { group.addTask { (request, try await commit.submit(request)) } }
            return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(try await first.value == 0)
        #expect(answers.count == 40 && answers.allSatisfy { $0.value == $0.key * 10 }, "each request gets its own answer")
        #expect(batches.all.count == 2, "the 40 waited for the first write and went in one: \(batches.all)")
        #expect(batches.all.last?.sorted() == Array(1...40))
    }

    @Test func a_batch_larger_than_the_maximum_is_split() async throws {
        let batches = Batches()
        let commit = GroupCommit<Int, Int>(metrics: nil, maximumBatch: 10, logger: testLogger) { requests in
            batches.record(requests)
            try await Task.sleep(for: .milliseconds(100))
            return requests
        }
        let first = Task { try await commit.submit(0) }
        while batches.all.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for request in 1...25 { group.addTask { try await commit.submit(request) } }
            try await group.waitForAll()
        }
        _ = try await first.value
        #expect(batches.all.map(\.count) == [1, 10, 10, 5])
    }

    struct Refused: Error {}

    /// A batch that fails as a whole is written again request by request: only the bad one fails.
    @Test func one_bad_request_fails_alone() async throws {
        let batches = Batches()
        let commit = GroupCommit<Int, Int>(metrics: nil, maximumBatch: 1_000, logger: testLogger) { requests in
            batches.record(requests)
            try await Task.sleep(for: .milliseconds(100))
            if requests.contains(13) { throw Refused() }
            return requests
        }
        let first = Task { try await commit.submit(0) }
        while batches.all.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for request in 10...16 { group.addTask { (request, (try? await commit.submit(request)) != nil) } }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        _ = try await first.value
        #expect(outcomes == [10: true, 11: true, 12: true, 13: false, 14: true, 15: true, 16: true])
        #expect(batches.all.count == 2 + 7, "the whole batch, then each of its 7 requests alone")
    }

    // MARK: The heartbeats' statement

    static func beat(_ machine: UUID, _ client: UUID, agentVersion: String? = nil, os: String? = nil) -> BeatStatement.Beat {
        BeatStatement.Beat(
            machineID: machine, clientID: client, serial: "no-such-serial", os: os, osVersion: nil, agentVersion: agentVersion,
            ipAddress: "10.0.0.1", compliant: nil)
    }

    /// One statement for many machines: each heartbeat gets its own machine's row, with whether it
    /// had been reported offline; a machine of another client or a deleted one gets none; a
    /// machine twice is updated once, from its later report.
    @Test func one_statement_answers_each_heartbeat_with_its_own_machine() async throws {
        try await APIHarness.run { api in
            let (client, other) = (try await api.seedClient(), try await api.seedClient())
            var machines: [UUID] = []
            for index in 0..<30 { machines.append(try await api.seedMachine(client: client, hostname: "beat-\(index)")) }
            let offline = Array(machines.prefix(10))
            try await api.sql("UPDATE machines SET offline_notified_at = now() - interval '1 hour' WHERE id = ANY(\(offline))")
            let foreign = try await api.seedMachine(client: other, hostname: "foreign")

            var beats = machines.enumerated().map { Self.beat($1, client, agentVersion: "2.\($0)", os: "linux") }
            beats.append(Self.beat(foreign, client)) // presented with the wrong client
            beats.append(Self.beat(UUID(), client)) // no such machine
            beats.append(Self.beat(machines[0], client, agentVersion: "9.9", os: "windows")) // the first machine again
            let batch = beats
            let rows = try await api.database.withClient { db in try await BeatStatement.write(batch, to: db, logger: testLogger) }

            #expect(rows.count == beats.count)
            for (index, machine) in machines.enumerated() {
                let row = try #require(rows[index])
                #expect(row.machineID == machine && row.hostname == "beat-\(index)")
                #expect(row.wasOffline == offline.contains(machine))
                #expect(row.os == (index == 0 ? "windows" : "linux"), "machine \(index)")
            }
            #expect(rows[30] == nil && rows[31] == nil)
            #expect(rows[32]?.machineID == machines[0] && rows[0]?.agentVersion == "9.9" && rows[32]?.agentVersion == "9.9")
            #expect(rows[1]?.agentVersion == "2.1")

            let seeded = machines
            let seen = try await api.database.withClient { db in
                try await db.query(
                    "SELECT count(*)::int FROM machines WHERE id = ANY(\(seeded)) AND last_seen > now() - interval '1 minute' AND offline_notified_at IS NULL AND ip_address = '10.0.0.1'",
                    logger: testLogger
                ).decode(Int.self).collect().first
            }
            #expect(seen == 30)
            let untouched = try await api.database.withClient { db in
                try await db.query("SELECT last_seen IS NULL FROM machines WHERE id = \(foreign)", logger: testLogger).decode(Bool.self).collect().first
            }
            #expect(untouched == true, "another client's machine is not marked seen")
        }
    }
}
