import Foundation
import OptralisTestSupport
import Testing

@Suite("Labels")
struct LabelsTests {
    @Test func labels_are_created_assigned_in_batches_within_limits_and_stay_in_their_tenant() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let machines = try await api.database.withClient { db in
                try await db.query(
                    "INSERT INTO machines (client_id, hostname) SELECT \(client), 'host-' || i FROM generate_series(1, 3) i RETURNING id", logger: testLogger
                ).decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }
            }
            let ids = machines.map { $0.uuidString.lowercased() }

            let created = try await api.send(.post, "/api/labels", token: admin, json: ["key": " env "])
            #expect(created.status == .created && created.string("key") == "env" && created.string("color") == "#3b82f6", "\(created.text)")
            let label = try #require(created.string("id"))
            #expect(try await api.send(.post, "/api/labels", token: admin, json: ["key": "env"]).status == .conflict)
            #expect(try await api.send(.post, "/api/labels", token: admin, json: ["key": String(repeating: "k", count: 51)]).code == "VALIDATION_ERROR")
            #expect(try await api.send(.post, "/api/labels", token: admin, json: ["key": "site", "color": "red"]).code == "VALIDATION_ERROR")
            #expect(try await api.send(.post, "/api/labels", token: observer, json: ["key": "x"]).status == .forbidden)
            let renamed = try await api.send(.put, "/api/labels/\(label)", token: admin, json: ["color": "#22C55E"])
            #expect(renamed.string("color") == "#22C55E" && renamed.string("key") == "env")

            let assigned = try await api.send(
                .post, "/api/labels/assign", token: admin, json: ["label_id": label, "value": "prod", "machine_ids": Array(ids.prefix(2))])
            #expect(assigned.status == .ok && assigned.json["count"] as? Int == 2, "\(assigned.text)")
            let listed = try JSONSerialization.jsonObject(with: Data(try await api.send(.get, "/api/labels", token: observer).text.utf8)) as? [[String: Any]]
            #expect(listed?.first { $0["key"] as? String == "env" }?["machine_count"] as? Int == 2, "the list counts each label's machines")
            let defaulted = try await api.send(.post, "/api/labels/assign", token: admin, json: ["label_id": label, "machine_ids": [ids[2]]])
            #expect(defaulted.json["count"] as? Int == 1)
            let prod = try await api.send(.get, "/api/labels/\(label)/machines?value=prod", token: observer)
            let batch = try await api.send(.post, "/api/machines/labels/batch", token: observer, json: ["machine_ids": ids])
            #expect(batch.status == .ok, "\(batch.text)")
            let byMachine = try JSONSerialization.jsonObject(with: Data(batch.text.utf8)) as? [String: [[String: Any]]]
            #expect(
                byMachine?[ids[0]]?.first?["value"] as? String == "prod" && byMachine?[ids[2]]?.first?["value"] as? String == "env", "value defaults to the key"
            )
            let assignments = try JSONSerialization.jsonObject(with: Data(prod.text.utf8)) as? [[String: Any]]
            #expect(assignments?.count == 2)
            let ofMachine =
                try JSONSerialization.jsonObject(with: Data(try await api.send(.get, "/api/machines/\(ids[0])/labels", token: observer).text.utf8))
                as? [[String: Any]]
            #expect(ofMachine?.first?["key"] as? String == "env" && ofMachine?.first?["color"] as? String == "#22C55E")

            // Ten labels at most on a machine.
            for index in 1...9 {
                let extra = try #require(try await api.send(.post, "/api/labels", token: admin, json: ["key": "k\(index)"]).string("id"))
                #expect(try await api.send(.post, "/api/labels/assign", token: admin, json: ["label_id": extra, "machine_ids": [ids[0]]]).status == .ok)
            }
            let eleventh = try #require(try await api.send(.post, "/api/labels", token: admin, json: ["key": "k10"]).string("id"))
            let refused = try await api.send(.post, "/api/labels/assign", token: admin, json: ["label_id": eleventh, "machine_ids": [ids[0], ids[1]]])
            #expect(refused.status == .badRequest && refused.code == "LABEL_LIMIT_REACHED")
            #expect(
                try await api.send(.post, "/api/labels/assign", token: admin, json: ["label_id": label, "value": "staging", "machine_ids": [ids[0]]]).status
                    == .ok,
                "changing the value of an existing assignment is not an eleventh label")

            // Another tenant: its machines cannot be labelled with ours, nor ours read.
            let other = try await api.seedClient()
            let stranger = try await api.login(try await api.seedUser(client: other, role: "admin").email).access
            #expect(try await api.send(.post, "/api/labels/assign", token: stranger, json: ["label_id": label, "machine_ids": [ids[1]]]).status == .notFound)
            let strangersLabel = try #require(
                try await api.send(.post, "/api/labels", token: stranger, json: ["key": "env"]).string("id"), "keys are per client")
            #expect(
                try await api.send(.post, "/api/labels/assign", token: stranger, json: ["label_id": strangersLabel, "machine_ids": [ids[1]]]).status
                    == .notFound)
            let peek = try await api.send(.post, "/api/machines/labels/batch", token: stranger, json: ["machine_ids": ids])
            #expect(peek.text == "{}", "\(peek.text)")
            #expect(
                try await api.send(.post, "/api/machines/labels/batch", token: admin, json: ["machine_ids": (0...100).map { _ in UUID().uuidString }]).status
                    == .badRequest)

            let removed = try await api.send(.delete, "/api/labels/assign", token: admin, json: ["label_id": label, "machine_ids": ids])
            #expect(removed.json["count"] as? Int == 3)
            #expect(try await api.send(.delete, "/api/labels/\(label)", token: admin).status == .ok)
            #expect(try await api.send(.delete, "/api/labels/\(label)", token: admin).status == .notFound)
        }
    }
}
