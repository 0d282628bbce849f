import Foundation
import OptralisCurl
import OptralisTestSupport
import PostgresNIO
import Testing

/// `POST /agent/collect/batch`: several collectors' posts in one request, over real mTLS into
/// PostgreSQL, each with its own sequence and its own result.
@Suite("Agent collect batch")
struct AgentCollectBatchTests {
    static func batch(_ posts: [String]) -> String { #"{"posts":[\#(posts.joined(separator: ","))]}"# }

    static func results(_ reply: OutboundResponse) -> [[String: Any]] { reply.bodyJSON["results"] as? [[String: Any]] ?? [] }

    @Test func a_batch_lands_like_its_posts_sent_alone_and_a_retry_stores_nothing() async throws {
        try await AgentTestBed.run { bed in
            let agent = try await bed.enrol()
            let config = try await bed.get("/agent/config/collectors", as: agent)
            #expect(config.bodyJSON["collect_batch"] as? Bool == true, "the gateway announces the route: \(config.bodyText)")

            let posts = try AgentCollectTests.collectors.map { try AgentCollectTests.envelope($0, sequence: 1) }
            let reply = try await bed.post("/agent/collect/batch", as: agent, body: Self.batch(posts))
            #expect(reply.status == 200, "\(reply.bodyText.prefix(400))")
            #expect(Self.results(reply).map { $0["status"] as? String } == Array(repeating: "stored", count: 9), "\(reply.bodyText)")
            #expect(Self.results(reply).map { $0["collector"] as? String } == AgentCollectTests.collectors)
            // The same rows as nine posts sent one by one (AgentCollectTests): 2 metrics rows, 3
            // filesystems, 2 disks, 3 events, 7 snapshots, 1 inventory row, 9 sequences.
            #expect(try await AgentCollectTests.footprint(bed, agent.machineID) == [2, 3, 2, 3, 7, 1, 9])

            let again = try await bed.post("/agent/collect/batch", as: agent, body: Self.batch(posts))
            #expect(Self.results(again).map { $0["status"] as? String } == Array(repeating: "duplicate", count: 9), "\(again.bodyText)")
            #expect(try await AgentCollectTests.footprint(bed, agent.machineID) == [2, 3, 2, 3, 7, 1, 9])

            // Two posts of one collector, in order, and one already stored: the new ones land.
            let metrics = try [2, 3, 1].map { try AgentCollectTests.envelope("metrics", sequence: $0) }
            let mixed = try await bed.post("/agent/collect/batch", as: agent, body: Self.batch(metrics))
            #expect(Self.results(mixed).map { $0["status"] as? String } == ["stored", "stored", "duplicate"], "\(mixed.bodyText)")
            #expect(
                try await bed.count("SELECT last_sequence::int FROM agent_collect_sequences WHERE machine_id = \(agent.machineID) AND kind = 'metrics'") == 3)
            #expect(try await bed.count("SELECT count(*)::int FROM metrics WHERE machine_id = \(agent.machineID) AND cpu_percent IS NOT NULL") == 3)
        }
    }

    @Test func a_refused_post_is_reported_alone_and_the_others_are_stored() async throws {
        try await AgentTestBed.run { bed in
            let agent = try await bed.enrol()
            let posts = [
                try AgentCollectTests.envelope("metrics", sequence: 1),
                try AgentCollectTests.envelope(
                    "storage_health", sequence: 1,
                    data: #"{"disks":[{"device":"/dev/sda","smart_status":"dying","is_virtual":false,"predicted_failure":false}]}"#),
                #"{"collector":"firmware","sequence":1,"data":{}}"#,
                try AgentCollectTests.envelope("events", sequence: 1),
                "42",
            ]
            let reply = try await bed.post("/agent/collect/batch", as: agent, body: Self.batch(posts))
            #expect(reply.status == 200, "\(reply.bodyText)")
            let results = Self.results(reply)
            #expect(results.map { $0["status"] as? String } == ["stored", "rejected", "rejected", "stored", "rejected"], "\(reply.bodyText)")
            #expect(results[1]["code"] as? String == "INVALID_PAYLOAD" && results[1]["sequence"] as? Int == 1)
            let reason = results[1]["error"] as? String ?? ""
            #expect(reason.contains("data.disks[0].smart_status") && !reason.contains("posts["), "the field named as in a post sent alone: \(reason)")
            #expect(results[2]["code"] as? String == "UNKNOWN_COLLECTOR" && results[2]["collector"] as? String == "firmware")
            #expect(results[4]["code"] as? String == "INVALID_PAYLOAD" && results[4]["collector"] == nil)
            #expect(try await bed.count("SELECT count(*)::int FROM metrics WHERE machine_id = \(agent.machineID)") == 1)
            #expect(try await bed.count("SELECT count(*)::int FROM event_logs WHERE machine_id = \(agent.machineID)") == 3)
            // The refused post took no sequence: the agent's corrected post 1 is stored.
            #expect(
                try await bed.count("SELECT count(*)::int FROM agent_collect_sequences WHERE machine_id = \(agent.machineID) AND kind = 'storage_health'") == 0)
            let fixed = try await bed.post("/agent/collect", as: agent, body: try AgentCollectTests.envelope("storage_health", sequence: 1))
            #expect(fixed.bodyJSON["status"] as? String == "stored", "\(fixed.bodyText)")

            // The body itself refused: nothing stored.
            let before = try await AgentCollectTests.footprint(bed, agent.machineID)
            let tooMany = Self.batch((2...66).map { (try? AgentCollectTests.envelope("metrics", sequence: $0)) ?? "" })
            for (body, code) in [("{", "INVALID_JSON"), ("{}", "INVALID_PAYLOAD"), (#"{"posts":[]}"#, "INVALID_PAYLOAD"), (tooMany, "INVALID_PAYLOAD")] {
                let refused = try await bed.post("/agent/collect/batch", as: agent, body: body)
                #expect(refused.status == 400 && refused.bodyJSON["code"] as? String == code, "\(body.prefix(40)): \(refused.status) \(refused.bodyText)")
            }
            #expect(try await AgentCollectTests.footprint(bed, agent.machineID) == before)
        }
    }
}
