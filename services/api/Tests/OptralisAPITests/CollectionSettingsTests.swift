import Foundation
import OptralisTestSupport
import Testing

@Suite("Collection settings")
struct CollectionSettingsTests {
    @Test func settings_are_validated_scoped_to_their_target_and_resolved_for_the_machine() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let other = try await api.seedClient()
            let (machine, group, foreignGroup) = try await api.database.withClient { db in
                let group = try await db.query("INSERT INTO groups (client_id, name) VALUES (\(client), 'Prod') RETURNING id", logger: testLogger)
                    .decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                let foreign = try await db.query("INSERT INTO groups (client_id, name) VALUES (\(other), 'Theirs') RETURNING id", logger: testLogger)
                    .decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                let machine = try await db.query(
                    "INSERT INTO machines (client_id, hostname, group_id) VALUES (\(client), 'app-1', \(group)) RETURNING id", logger: testLogger
                ).decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                return (machine, group, foreign)
            }
            let everything = try await api.send(.post, "/api/collection-settings", token: admin, json: ["name": "Everything", "intervals": ["metrics": 20]])
            #expect(everything.status == .created && everything.string("scope") == "global", "\(everything.text)")
            let prod = try await api.send(
                .post, "/api/collection-settings", token: admin,
                json: [
                    "name": "Production servers", "priority": 10, "group_id": group.uuidString, "intervals": ["metrics": 5, "storage": 120],
                    "collectors_enabled": ["software": false],
                ])
            #expect(prod.status == .created && prod.string("scope") == "group", "\(prod.text)")
            let prodID = try #require(prod.string("id"))

            let refused: [([String: Any], String)] = [
                (["name": "Too fast", "intervals": ["metrics": 1]], "metrics interval must be between 5 and 300"),
                (["name": "Unknown", "intervals": ["firmware": 60]], "unknown collector"),
                (["name": "Two", "intervals": [:], "group_id": group.uuidString, "machine_id": machine.uuidString], "at most one"),
                (["intervals": ["metrics": 10]], "name is required"),
                (["name": "No intervals"], "intervals is required"),
            ]
            for (body, message) in refused {
                let reply = try await api.send(.post, "/api/collection-settings", token: admin, json: body)
                #expect(reply.status == .badRequest && reply.string("error")?.contains(message) == true, "\(message): \(reply.text)")
            }
            let foreign = try await api.send(
                .post, "/api/collection-settings", token: admin,
                json: [
                    "name": "Theirs", "group_id": foreignGroup.uuidString, "intervals": ["metrics": 30],
                ])
            #expect(foreign.status == .notFound, "another client's group: \(foreign.text)")

            let effective = try await api.send(.get, "/api/machines/\(machine.uuidString)/effective-intervals", token: admin)
            #expect((effective.json["intervals"] as? [String: Int])?["metrics"] == 5 && effective.string("source") == "group_setting")
            let changed = try await api.send(.put, "/api/collection-settings/\(prodID)", token: admin, json: ["intervals": ["metrics": 60]])
            #expect(changed.status == .ok && changed.string("scope") == "group" && (changed.json["intervals"] as? [String: Int])?["metrics"] == 60)
            let after = try await api.send(.get, "/api/machines/\(machine.uuidString)/effective-intervals", token: admin)
            #expect((after.json["intervals"] as? [String: Int])?["metrics"] == 60)

            let list = try await api.send(.get, "/api/collection-settings", token: admin)
            #expect(list.json["count"] as? Int == 2)
            let stranger = try await api.login(try await api.seedUser(client: other, role: "admin").email).access
            #expect(try await api.send(.get, "/api/collection-settings/\(prodID)", token: stranger).status == .notFound)
            #expect(try await api.send(.delete, "/api/collection-settings/\(prodID)", token: admin).status == .ok)
            let back = try await api.send(.get, "/api/machines/\(machine.uuidString)/effective-intervals", token: admin)
            #expect((back.json["intervals"] as? [String: Int])?["metrics"] == 20 && back.string("source") == "client_setting")
        }
    }
}
