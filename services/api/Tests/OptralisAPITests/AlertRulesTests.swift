import Foundation
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("Alert rules")
struct AlertRulesTests {
    @Test func rules_are_validated_scoped_and_read_only_for_observers() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient(), other = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let outsider = try await api.login(try await api.seedUser(client: other, role: "admin").email).access
            let (machine, foreignMachine, channel, foreignChannel) = try await api.database.withClient { db in
                func id(_ query: PostgresQuery) async throws -> UUID {
                    try await db.query(query, logger: testLogger).decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
                }
                return (
                    try await id("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'SRV-01') RETURNING id"),
                    try await id("INSERT INTO machines (client_id, hostname) VALUES (\(other), 'SRV-99') RETURNING id"),
                    try await id(
                        "INSERT INTO notification_channels (client_id, type, name, config) VALUES (\(client), 'email', 'Ops', '{\"emails\":[\"a@b.test\"]}') RETURNING id"
                    ),
                    try await id(
                        "INSERT INTO notification_channels (client_id, type, name, config) VALUES (\(other), 'email', 'Theirs', '{\"emails\":[\"c@d.test\"]}') RETURNING id"
                    )
                )
            }
            let metadata = try await api.send(.get, "/api/alert-rules/metadata", token: observer)
            #expect(
                metadata.json["metrics"] as? [String] == [
                    "cpu", "ram", "disk", "temperature", "offline_minutes", "db_connections", "db_cache_hit_ratio", "db_replication_lag_ms",
                ])
            #expect(metadata.json["operators"] as? [String] == [">", "<", ">=", "<=", "=="])
            #expect(metadata.json["severities"] as? [String] == ["low", "warning", "critical"])

            let base: [String: Any] = ["name": "CPU critique", "metric": "cpu", "operator": ">", "threshold": 90, "severity": "critical"]
            func with(_ changes: [String: Any]) -> [String: Any] { base.merging(changes) { _, new in new } }
            for (change, why) in [
                (["metric": "gpu"], "metric"), (["operator": "=>"], "operator"), (["severity": "high"], "severity"),
                (["cooldown_minutes": 4], "cooldown"), (["machine_id": foreignMachine.uuidString], "foreign machine"),
                (["channel_ids": [foreignChannel.uuidString]], "foreign channel"), (["name": " "], "blank name"),
                (["machine_id": machine.uuidString, "group_id": UUID().uuidString], "two scopes"),
            ] as [([String: Any], String)] {
                #expect(try await api.send(.post, "/api/alert-rules", token: admin, json: with(change)).code == "VALIDATION_ERROR", "\(why) accepted")
            }
            let created = try await api.send(
                .post, "/api/alert-rules", token: admin, json: with(["machine_id": machine.uuidString, "channel_ids": [channel.uuidString]]))
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["cooldown_minutes"] as? Int == 60, "default cooldown")
            #expect(
                created.json["channel_ids"] as? [String] == [channel.uuidString.lowercased()]
                    || created.json["channel_ids"] as? [String] == [channel.uuidString])
            let id = try #require(created.string("id"))

            #expect(try await api.send(.post, "/api/alert-rules", token: observer, json: base).status == .forbidden)
            #expect((try await api.send(.get, "/api/alert-rules", token: observer).json["rules"] as? [Any])?.count == 1)
            #expect(try await api.send(.get, "/api/alert-rules/\(id)", token: outsider).status == .notFound)
            #expect(try await api.send(.put, "/api/alert-rules/\(id)", token: outsider, json: base).status == .notFound)
            #expect(try await api.send(.delete, "/api/alert-rules/\(id)", token: outsider).status == .notFound)

            let updated = try await api.send(
                .put, "/api/alert-rules/\(id)", token: admin, json: with(["threshold": 95, "cooldown_minutes": 15, "channel_ids": []]))
            #expect(updated.json["threshold"] as? Double == 95 && updated.json["cooldown_minutes"] as? Int == 15)
            #expect((updated.json["channel_ids"] as? [Any])?.isEmpty == true)

            try await api.sql(
                """
                INSERT INTO alert_rule_history (client_id, rule_id, machine_id, rule_name, metric, operator, threshold, severity, triggered_value)
                VALUES (\(client), \(UUID(uuidString: id)!), \(machine), 'CPU critique', 'cpu', '>', 95, 'critical', 97.5)
                """)
            let history = try await api.send(.get, "/api/alert-rules/history?rule_id=\(id)", token: observer)
            let entry = try #require((history.json["history"] as? [[String: Any]])?.first)
            #expect(entry["machine_hostname"] as? String == "SRV-01" && entry["triggered_value"] as? Double == 97.5)
            #expect((try await api.send(.get, "/api/alert-rules/history", token: outsider).json["history"] as? [Any])?.isEmpty == true)
            #expect(try await api.send(.delete, "/api/alert-rules/\(id)", token: admin).status == .noContent)
        }
    }
}
