import Foundation
import OptralisTestSupport
import Testing

@Suite("Machine administration")
struct MachinesTests {
    @Test func effective_intervals_maintenance_channel_force_collect_and_deletion_within_the_tenant() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let (machine, setting) = try await api.database.withClient { db in
                let group = try await db.query("INSERT INTO groups (client_id, name) VALUES (\(client), 'Prod') RETURNING id", logger: testLogger)
                    .decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                let machine = try await db.query(
                    "INSERT INTO machines (client_id, hostname, group_id) VALUES (\(client), 'db-01', \(group)) RETURNING id", logger: testLogger
                ).decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                let setting = try await db.query(
                    """
                    INSERT INTO collection_settings (client_id, name, scope, group_id, intervals, collectors_enabled)
                    VALUES (\(client), 'Production servers', 'group', \(group), '{"metrics": 5, "storage": 120}', '{"software": false}') RETURNING id
                    """, logger: testLogger
                ).decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                return (machine, setting)
            }
            let id = machine.uuidString.lowercased()

            let effective = try await api.send(.get, "/api/machines/\(id)/effective-intervals", token: observer)
            #expect(effective.status == .ok, "\(effective.text)")
            let intervals = effective.json["intervals"] as? [String: Int]
            #expect(intervals?["metrics"] == 5 && intervals?["storage"] == 120 && intervals?["patches"] == 21_600 && intervals?.count == 8)
            #expect((effective.json["enabled"] as? [String: Bool])?["software"] == false)
            #expect(effective.string("source") == "group_setting" && effective.string("setting_name") == "Production servers")
            #expect(effective.string("setting_id")?.lowercased() == setting.uuidString.lowercased())

            #expect(try await api.send(.get, "/api/machines/not-a-uuid/effective-intervals", token: admin).status == .badRequest)
            #expect(try await api.send(.put, "/api/machines/\(id)/maintenance", token: observer, json: ["enabled": true]).status == .forbidden)
            let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
            let on = try await api.send(.put, "/api/machines/\(id)/maintenance", token: admin, json: ["enabled": true, "until": later])
            #expect(on.status == .ok, "\(on.text)")
            #expect(
                try await api.send(.put, "/api/machines/\(id)/maintenance", token: admin, json: ["enabled": true, "until": "2020-01-01T00:00:00Z"]).status
                    == .badRequest)
            let channel = try await api.send(.put, "/api/machines/\(id)/channel", token: admin, json: ["channel": "beta"])
            #expect(channel.status == .ok)
            #expect(try await api.send(.put, "/api/machines/\(id)/channel", token: admin, json: ["channel": "nightly"]).code == "VALIDATION_ERROR")
            #expect(try await api.send(.post, "/api/machines/by-hostname/DB-01/force-collect", token: admin).status == .ok)
            let state = try await api.database.withClient { db in
                try await db.query(
                    "SELECT maintenance_mode AND maintenance_until > now(), update_channel, force_collect_requested_at IS NOT NULL FROM machines WHERE id = \(machine)",
                    logger: testLogger
                ).decode((Bool, String, Bool).self).reduce(into: [(Bool, String, Bool)]()) { $0.append($1) }.first
            }
            #expect(state.map { $0.0 && $0.1 == "beta" && $0.2 } == true)

            // Another tenant sees nothing of it.
            let other = try await api.seedClient()
            let stranger = try await api.login(try await api.seedUser(client: other, role: "admin").email).access
            #expect(try await api.send(.get, "/api/machines/\(id)/effective-intervals", token: stranger).status == .notFound)
            #expect(try await api.send(.delete, "/api/machines/by-hostname/db-01", token: stranger).status == .notFound)

            try await api.sql("INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent) VALUES (\(machine), now(), 1, 1)")
            #expect(try await api.send(.delete, "/api/machines/by-hostname/db-01", token: admin).status == .ok)
            let left = try await api.database.withClient { db in
                try await db.query(
                    """
                    SELECT (SELECT count(*) FROM machines WHERE id = \(machine))::int + (SELECT count(*) FROM metrics WHERE machine_id = \(machine))::int
                    """, logger: testLogger
                ).decode(Int.self).reduce(into: -1) { $0 = $1 }
            }
            #expect(left == 0, "the machine and its data are gone")
            let log = try await api.database.withClient { db in
                try await db.query(
                    "SELECT message FROM activity_logs WHERE client_id = \(client) AND category = 'machine' ORDER BY timestamp", logger: testLogger
                ).decode(String.self).reduce(into: [String]()) { $0.append($1) }
            }
            #expect(log == ["Mode maintenance activé", "Canal de mise à jour modifié", "Machine supprimée"], "\(log)")
        }
    }
}
