import Foundation
import OptralisTestSupport
import Testing

@Suite("Groups")
struct GroupsTests {
    @Test func groups_are_managed_and_machines_moved_within_the_tenant() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let other = try await api.seedClient()
            let (mine, theirs) = try await api.database.withClient { db in
                let mine = try await db.query(
                    "INSERT INTO machines (client_id, hostname) SELECT \(client), 'g-' || i FROM generate_series(1, 2) i RETURNING id", logger: testLogger
                ).decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }
                let theirs = try await db.query("INSERT INTO machines (client_id, hostname) VALUES (\(other), 'x-1') RETURNING id", logger: testLogger)
                    .decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                return (mine, theirs)
            }
            let created = try await api.send(.post, "/api/groups", token: admin, json: ["name": "  Production ", "color": "#10B981"])
            #expect(created.status == .created && created.string("name") == "Production" && created.json["machine_count"] as? Int == 0, "\(created.text)")
            let group = try #require(created.string("id"))
            #expect(try await api.send(.post, "/api/groups", token: admin, json: ["name": "Production"]).code == "GROUP_EXISTS")
            #expect(try await api.send(.post, "/api/groups", token: admin, json: ["name": " "]).code == "VALIDATION_ERROR")
            #expect(try await api.send(.post, "/api/groups", token: admin, json: ["name": "Ok", "color": "#12345"]).code == "VALIDATION_ERROR")

            let ids = mine.map { $0.uuidString.lowercased() } + [theirs.uuidString.lowercased()]
            let moved = try await api.send(.put, "/api/machines/assign-group", token: admin, json: ["group_id": group, "machine_ids": ids])
            #expect(moved.json["count"] as? Int == 2, "another client's machine is not moved: \(moved.text)")
            let listed = try await api.send(.get, "/api/groups", token: admin)
            let groups = try JSONSerialization.jsonObject(with: Data(listed.text.utf8)) as? [[String: Any]]
            #expect(groups?.count == 1 && groups?.first?["machine_count"] as? Int == 2)
            let theirGroup = try await api.database.withClient { db in
                try await db.query("SELECT group_id IS NULL FROM machines WHERE id = \(theirs)", logger: testLogger).decode(Bool.self).reduce(into: false) {
                    $0 = $1
                }
            }
            #expect(theirGroup)

            let stranger = try await api.login(try await api.seedUser(client: other, role: "admin").email).access
            #expect(
                try await api.send(.put, "/api/machines/assign-group", token: stranger, json: ["group_id": group, "machine_ids": [ids[2]]]).status == .notFound)
            #expect(try await api.send(.put, "/api/groups/\(group)", token: stranger, json: ["name": "Mine now"]).status == .notFound)

            #expect(try await api.send(.put, "/api/groups/\(group)", token: admin, json: ["name": "Prod"]).string("name") == "Prod")
            #expect(try await api.send(.put, "/api/machines/remove-group", token: admin, json: ["machine_ids": [ids[0]]]).json["count"] as? Int == 1)
            #expect(try await api.send(.delete, "/api/groups/\(group)", token: admin).status == .ok)
            let orphans = try await api.database.withClient { db in
                try await db.query("SELECT count(*)::int FROM machines WHERE client_id = \(client) AND group_id IS NULL", logger: testLogger)
                    .decode(Int.self).reduce(into: 0) { $0 = $1 }
            }
            #expect(orphans == 2, "deleting a group keeps its machines")
        }
    }
}
