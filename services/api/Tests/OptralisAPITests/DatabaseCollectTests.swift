import Foundation
import OptralisCurl
import OptralisTestSupport
import PostgresNIO
import Testing

/// The monitored databases over the agents' mTLS port: the configuration reply hands each agent
/// its own machine's databases with the password opened, and `databases` posts land in
/// `database_metrics` and on the database's row, for that machine's databases only.
@Suite("Database collect")
struct DatabaseCollectTests {
    func database(_ bed: AgentTestBed, _ agent: AgentTestBed.Agent, name: String, password: String?) async throws -> String {
        try await bed.api.sql("UPDATE clients SET license_type = 'business' WHERE id = \(agent.clientID)")
        var body: [String: Any] = [
            "machine_id": agent.machineID.uuidString, "engine": "postgresql", "host": "10.0.0.5", "port": 5432, "database_name": name, "username": "monitor",
        ]
        body["password"] = password
        let created = try await bed.api.send(.post, "/api/databases", token: agent.adminToken, json: body)
        return try #require(created.string("id"), "\(created.text)")
    }

    @Test func each_agent_gets_its_own_machines_databases_with_the_password_opened() async throws {
        try await AgentTestBed.run { bed in
            let agent = try await bed.enrol()
            let neighbour = try await bed.enrol(beside: agent)
            let stranger = try await bed.enrol()
            let id = try await database(bed, agent, name: "shop", password: "Pa55-word with spaces")
            _ = try await database(bed, neighbour, name: "crm", password: nil)

            for path in ["/agent/config/collectors", "/agent/config"] {
                let reply = try await bed.get(path, as: agent)
                let list = try #require(reply.bodyJSON["databases"] as? [[String: Any]], "\(reply.bodyText)")
                #expect(list.count == 1 && (list.first?["id"] as? String)?.lowercased() == id.lowercased(), "\(list)")
                #expect(list.first?["password"] as? String == "Pa55-word with spaces" && list.first?["database"] as? String == "shop")
                #expect(list.first?["engine"] as? String == "postgresql" && list.first?["port"] as? Int == 5432)
            }
            let theirs = try await bed.get("/agent/config/collectors", as: neighbour).bodyJSON["databases"] as? [[String: Any]]
            #expect(theirs?.count == 1 && theirs?.first?["database"] as? String == "crm" && theirs?.first?["password"] == nil, "\(theirs ?? [])")
            #expect((try await bed.get("/agent/config/collectors", as: stranger).bodyJSON["databases"] as? [Any])?.isEmpty == true)

            // Disabled, or the licence below Pro: no longer handed out.
            _ = try await bed.api.send(.put, "/api/databases/\(id)", token: agent.adminToken, json: ["enabled": false])
            #expect((try await bed.get("/agent/config/collectors", as: agent).bodyJSON["databases"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func samples_are_stored_for_the_posting_machines_databases_only() async throws {
        try await AgentTestBed.run { bed in
            let agent = try await bed.enrol()
            let other = try await bed.enrol(beside: agent)
            let id = try await database(bed, agent, name: "shop", password: "x")
            let foreign = try await database(bed, other, name: "crm", password: "y")
            let data = """
                {"databases":[
                  {"database_id":"\(id)","connections_active":4,"connections_idle":7,"query_time_avg_ms":2.5,"slow_queries_count":1,
                   "deadlocks_count":1,"cache_hit_ratio":99.12,"replication_lag_ms":null,
                   "slow_queries":[{"query":"SELECT pg_sleep($1)","calls":1,"mean_ms":1201.5}],"missing":["replication_lag_ms: not replicating"]},
                  {"database_id":"\(foreign)","connections_active":99,"slow_queries":[],"missing":[]}
                ]}
                """
            let reply = try await bed.post("/agent/collect", as: agent, body: try AgentCollectTests.envelope("databases", sequence: 1, data: data))
            #expect(reply.status == 200 && reply.bodyJSON["status"] as? String == "stored", "\(reply.bodyText)")
            #expect(try await bed.count("SELECT count(*)::int FROM database_metrics WHERE machine_id = \(agent.machineID)") == 1)
            #expect(
                try await bed.count("SELECT count(*)::int FROM database_metrics WHERE connections_active = 99") == 0,
                "another machine's database is not written")
            #expect(try await bed.count("SELECT count(*)::int FROM monitored_databases WHERE last_collected_at IS NOT NULL") == 1)

            let listed = try await bed.api.send(.get, "/api/databases/\(id)", token: agent.adminToken)
            let latest = try #require(listed.json["latest"] as? [String: Any], "\(listed.text)")
            #expect(latest["connections_active"] as? Int == 4 && latest["cache_hit_ratio"] as? Double == 99.12 && latest["replication_lag_ms"] is NSNull)
            #expect(listed.json["missing"] as? [String] == ["replication_lag_ms: not replicating"])
            let slow = try await bed.api.send(.get, "/api/databases/\(id)/slow-queries", token: agent.adminToken)
            let queries = try #require(slow.json["queries"] as? [[String: Any]], "\(slow.text)")
            #expect(queries.first?["query"] as? String == "SELECT pg_sleep($1)" && queries.first?["mean_ms"] as? Double == 1201.5)
            let metrics = try await bed.api.send(.get, "/api/databases/\(id)/metrics?period=30d", token: agent.adminToken)
            let points = try #require(metrics.json["points"] as? [[String: Any]], "\(metrics.text)")
            // The fixture's collected_at is 2026-11-22: within 30 days only if the clock says so.
            #expect(points.count <= 1 && metrics.json["bucket_seconds"] as? Int == 21_600)

            // A retry is not stored twice; a figure out of range is refused whole.
            let retry = try await bed.post("/agent/collect", as: agent, body: try AgentCollectTests.envelope("databases", sequence: 1, data: data))
            #expect(retry.bodyJSON["status"] as? String == "duplicate")
            let bad = #"{"databases":[{"database_id":"\#(id)","cache_hit_ratio":140,"slow_queries":[],"missing":[]}]}"#
            let refused = try await bed.post("/agent/collect", as: agent, body: try AgentCollectTests.envelope("databases", sequence: 2, data: bad))
            #expect(refused.status == 400 && (refused.bodyJSON["error"] as? String)?.contains("cache_hit_ratio") == true, "\(refused.bodyText)")
        }
    }
}
