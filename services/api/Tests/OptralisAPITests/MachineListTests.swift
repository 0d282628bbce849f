import Foundation
import OptralisTestSupport
import Testing

@Suite("Machine list and detail")
struct MachineListTests {
    @Test func the_list_filters_sorts_and_pages_and_the_detail_carries_snapshots_and_labels() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let viewer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let other = try await api.seedClient()
            let (web, group) = try await api.database.withClient { db in
                let group = try await db.query("INSERT INTO groups (client_id, name) VALUES (\(client), 'Web') RETURNING id", logger: testLogger)
                    .decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                let web = try await db.query(
                    """
                    INSERT INTO machines (client_id, hostname, os, group_id, last_seen, health_score, cert_serial, cert_expires_at)
                    VALUES (\(client), 'web-01', 'linux', \(group), now(), 90, 'ab01', now() + interval '10 days') RETURNING id
                    """, logger: testLogger
                ).decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                try await db.query(
                    """
                    INSERT INTO machines (client_id, hostname, os, last_seen, health_score) VALUES
                        (\(client), 'web_02', 'Windows', now() - interval '1 hour', 40), (\(client), 'db-01', 'linux', NULL, NULL),
                        (\(other), 'web-99', 'linux', now(), 99)
                    """, logger: testLogger)
                let label = try await db.query(
                    "INSERT INTO labels (client_id, key, color) VALUES (\(client), 'env', '#ff0000') RETURNING id", logger: testLogger
                )
                .decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                try await db.query(
                    "INSERT INTO machine_labels (client_id, machine_id, label_id, value) VALUES (\(client), \(web), \(label), 'prod')", logger: testLogger)
                try await db.query(
                    "INSERT INTO machine_collector_data (machine_id, collector, data) VALUES (\(web), 'storage', '{\"disks\":[{\"mount_point\":\"/\",\"used_percent\":41.5}]}')",
                    logger: testLogger)
                return (web, group)
            }
            func hostnames(_ query: String) async throws -> [String] {
                let reply = try await api.send(.get, "/api/machines\(query)", token: viewer)
                #expect(reply.status == .ok, "\(query): \(reply.text)")
                return (reply.json["machines"] as? [[String: Any]] ?? []).compactMap { $0["hostname"] as? String }
            }
            #expect(try await hostnames("") == ["db-01", "web-01", "web_02"], "the client's machines only, by host name")
            #expect(try await hostnames("?status=online") == ["web-01"])
            #expect(try await hostnames("?status=offline&sort=health_score&order=desc") == ["web_02", "db-01"], "null scores last")
            #expect(try await hostnames("?search=web_") == ["web_02"], "_ is a character, not a wildcard")
            #expect(try await hostnames("?os=windows") == ["web_02"])
            #expect(try await hostnames("?group_id=\(group)") == ["web-01"])
            #expect(try await hostnames("?label=env&label_value=prod") == ["web-01"])
            #expect(try await hostnames("?label=env&label_value=dev") == [])
            let second = try await api.send(.get, "/api/machines?limit=2&page=2", token: viewer)
            #expect(second.json["total"] as? Int == 3 && (second.json["machines"] as? [Any])?.count == 1)
            #expect(try await api.send(.get, "/api/machines?limit=0", token: viewer).code == "VALIDATION_ERROR")
            #expect(try await api.send(.get, "/api/machines?sort=password", token: viewer).code == "VALIDATION_ERROR")
            #expect(try await api.send(.get, "/api/machines?status=sleepy", token: viewer).status == .badRequest)

            let detail = try await api.send(.get, "/api/machines/by-hostname/WEB-01", token: viewer)
            let machine = detail.json["machine"] as? [String: Any]
            #expect(machine?["status"] as? String == "online" && machine?["cert_status"] as? String == "expiring_soon", "\(detail.text)")
            #expect((detail.json["labels"] as? [[String: Any]])?.first?["value"] as? String == "prod")
            let disks = ((detail.json["collectors"] as? [String: Any])?["storage"] as? [String: Any])?["disks"] as? [[String: Any]]
            #expect(disks?.first?["used_percent"] as? Double == 41.5)
            let byID = try await api.send(.get, "/api/machines/\(web.uuidString.lowercased())", token: viewer)
            #expect((byID.json["machine"] as? [String: Any])?["hostname"] as? String == "web-01")
            #expect((byID.json["collectors"] as? [String: Any])?.keys.contains("storage") == true)
            let light = try await api.send(.get, "/api/machines/\(web.uuidString.lowercased())?collectors=false", token: viewer)
            #expect(
                (light.json["machine"] as? [String: Any])?["hostname"] as? String == "web-01" && (light.json["collectors"] as? [String: Any])?.isEmpty == true)
            #expect(try await api.send(.get, "/api/machines/\(web.uuidString.lowercased())?collectors=maybe", token: viewer).code == "VALIDATION_ERROR")
            let inventory = try await api.send(.get, "/api/machines/by-hostname/web-01/inventory", token: viewer)
            #expect(((inventory.json["collectors"] as? [String: Any])?.keys).map(Array.init) == ["storage"])
            #expect(try await api.send(.get, "/api/machines/by-hostname/web-99", token: viewer).status == .notFound, "another tenant's machine")
            #expect(try await api.send(.get, "/api/machines/12345", token: viewer).status == .badRequest)
        }
    }
}
