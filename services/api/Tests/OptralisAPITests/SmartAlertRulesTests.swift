import Foundation
import HTTPTypes
import OptralisTestSupport
import Testing

/// `/api/alerts/rules` (smart alerts, Essentials+): the licence gate, CRUD, the bounds of every
/// field, roles, the tenant wall and the per-client limit.
@Suite("Smart alert rules")
struct SmartAlertRulesTests {
    func essentials(_ api: APIHarness) async throws -> (client: UUID, admin: String) {
        let client = try await api.seedClient()
        try await api.sql("UPDATE clients SET license_type = 'essentials' WHERE id = \(client)")
        return (client, try await api.login(try await api.seedUser(client: client, role: "admin").email).access)
    }

    var adaptive: [String: Any] {
        ["name": "CPU inhabituel", "metric": "cpu", "mode": "adaptive", "sigma_factor": 3, "duration_minutes": 10, "severity": "warning"]
    }

    func with(_ changes: [String: Any], removing: [String] = []) -> [String: Any] {
        adaptive.merging(changes) { _, new in new }.filter { !removing.contains($0.key) }
    }

    @Test func smart_rules_need_the_essentials_licence() async throws {
        try await APIHarness.run { api in
            let starter = try await api.seedClient()
            try await api.sql("UPDATE clients SET license_type = 'starter' WHERE id = \(starter)")
            let token = try await api.login(try await api.seedUser(client: starter, role: "admin").email).access
            let id = UUID().uuidString.lowercased()
            let refused: [(HTTPRequest.Method, String, [String: Any]?)] = [
                (.get, "/api/alerts/rules", nil), (.post, "/api/alerts/rules", adaptive), (.get, "/api/alerts/rules/\(id)", nil),
                (.put, "/api/alerts/rules/\(id)", adaptive), (.delete, "/api/alerts/rules/\(id)", nil),
            ]
            for (method, path, body) in refused {
                let reply = try await api.send(method, path, token: token, json: body)
                #expect(reply.status == .forbidden && reply.code == "PREMIUM_REQUIRED", "\(method) \(path): \(reply.text)")
                #expect(reply.string("error")?.contains("Essentials") == true)
            }
            #expect(try await api.send(.get, "/api/alert-rules", token: token).status == .ok, "the plain rules stay open to every licence")
            let (_, admin) = try await essentials(api)
            #expect(try await api.send(.get, "/api/alerts/rules", token: admin).status == .ok)
        }
    }

    @Test func rules_are_created_read_replaced_and_deleted_within_the_tenant() async throws {
        try await APIHarness.run { api in
            let (client, admin) = try await essentials(api)
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let machine = try await api.seedMachine(client: client, hostname: "APP-01")

            let created = try await api.send(.post, "/api/alerts/rules", token: admin, json: ["name": "  CPU inhabituel ", "metric": "cpu"])
            #expect(created.status == .created, "\(created.text)")
            #expect(created.string("name") == "CPU inhabituel" && created.string("mode") == "adaptive" && created.json["sigma_factor"] as? Double == 3)
            #expect(created.json["duration_minutes"] as? Int == 10 && created.string("severity") == "warning" && created.json["enabled"] as? Bool == true)
            #expect(created.json["cooldown_minutes"] as? Int == 60, "a warning's cooldown")
            #expect(created.json["threshold"] is NSNull && created.json["machine_id"] is NSNull, "absent values are null: \(created.text)")
            let id = try #require(created.string("id"))

            let list = try await api.send(.get, "/api/alerts/rules", token: observer)
            #expect((list.json["rules"] as? [[String: Any]])?.map { $0["id"] as? String } == [id] && list.json["limit"] as? Int == 50)
            #expect(try await api.send(.get, "/api/alerts/rules/\(id)", token: observer).string("metric") == "cpu")
            #expect(try await api.send(.post, "/api/alerts/rules", token: observer, json: adaptive).status == .forbidden, "observers read only")
            #expect(try await api.send(.put, "/api/alerts/rules/\(id)", token: observer, json: adaptive).status == .forbidden)
            #expect(try await api.send(.delete, "/api/alerts/rules/\(id)", token: observer).status == .forbidden)

            let replaced = try await api.send(
                .put, "/api/alerts/rules/\(id)", token: admin,
                json: [
                    "name": "Disque plein", "metric": "disk", "mode": "static", "threshold": 92.5, "duration_minutes": 30, "severity": "critical",
                    "enabled": false, "machine_id": machine.uuidString,
                ])
            #expect(replaced.status == .ok, "\(replaced.text)")
            #expect(replaced.string("mode") == "static" && replaced.json["threshold"] as? Double == 92.5 && replaced.json["sigma_factor"] is NSNull)
            #expect(replaced.json["cooldown_minutes"] as? Int == 15 && replaced.json["enabled"] as? Bool == false)
            #expect(replaced.string("machine_id")?.lowercased() == machine.uuidString.lowercased())

            let (other, stranger) = try await essentials(api)
            let theirs = try await api.seedMachine(client: other, hostname: "THEIRS")
            #expect(try await api.send(.get, "/api/alerts/rules/\(id)", token: stranger).status == .notFound)
            #expect(try await api.send(.put, "/api/alerts/rules/\(id)", token: stranger, json: adaptive).status == .notFound)
            #expect(try await api.send(.delete, "/api/alerts/rules/\(id)", token: stranger).status == .notFound)
            #expect((try await api.send(.get, "/api/alerts/rules", token: stranger).json["rules"] as? [Any])?.isEmpty == true)
            let foreign = try await api.send(.post, "/api/alerts/rules", token: admin, json: with(["machine_id": theirs.uuidString]))
            #expect(foreign.code == "VALIDATION_ERROR", "another client's machine is refused like an unknown one: \(foreign.text)")
            #expect(try await api.send(.post, "/api/alerts/rules", token: admin, json: with(["group_id": UUID().uuidString])).code == "VALIDATION_ERROR")
            #expect(try await api.send(.get, "/api/alerts/rules/not-a-uuid", token: admin).code == "VALIDATION_ERROR")

            let logged = try await api.database.withClient { db in
                try await db.query(
                    "SELECT count(*)::int FROM activity_logs WHERE client_id = \(client) AND message LIKE 'Règle d''alerte intelligente%'", logger: testLogger
                )
                .decode(Int.self).reduce(0, +)
            }
            #expect(logged == 2)
            #expect(try await api.send(.delete, "/api/alerts/rules/\(id)", token: admin).status == .noContent)
            #expect(try await api.send(.get, "/api/alerts/rules/\(id)", token: admin).status == .notFound)
            #expect(try await api.send(.delete, "/api/alerts/rules/\(id)", token: admin).status == .notFound)
        }
    }

    @Test func every_field_is_bounded() async throws {
        try await APIHarness.run { api in
            let (_, admin) = try await essentials(api)
            let refused: [([String: Any], [String], String)] = [
                ([:], ["name"], "no name"), (["name": " "], [], "blank name"), (["name": String(repeating: "x", count: 101)], [], "long name"),
                ([:], ["metric"], "no metric"), (["metric": "offline_minutes"], [], "offline is the root cause, not a smart metric"),
                (["mode": "magic"], [], "mode"), (["severity": "low"], [], "severity of the plain rules"),
                (["sigma_factor": 0.5], [], "k below 1"), (["sigma_factor": 6.5], [], "k above 6"), (["sigma_factor": 1e308], [], "huge k"),
                (["duration_minutes": 4], [], "window below 5"), (["duration_minutes": 61], [], "window above 60"),
                (["metric": "disk"], [], "no baseline for disk: adaptive refused"), (["metric": "temperature"], [], "adaptive temperature"),
                (["threshold": 50], [], "adaptive with a threshold"),
                (["mode": "static"], ["sigma_factor"], "static without threshold"), (["mode": "static", "threshold": 90], [], "static with sigma_factor"),
                (["mode": "static", "threshold": 101], ["sigma_factor"], "percent above 100"),
                (["mode": "static", "threshold": -1], ["sigma_factor"], "negative"),
                (["mode": "static", "metric": "temperature", "threshold": 151], ["sigma_factor"], "temperature above 150 °C"),
                (["machine_id": UUID().uuidString, "group_id": UUID().uuidString], [], "two scopes"),
            ]
            for (change, removed, why) in refused {
                let reply = try await api.send(.post, "/api/alerts/rules", token: admin, json: with(change, removing: removed))
                #expect(reply.status == .badRequest && reply.code == "VALIDATION_ERROR", "\(why): \(reply.status) \(reply.text)")
            }
            for (change, why) in [
                (["duration_minutes": 1e30], "a window past Int"), (["duration_minutes": "ten"], "a string"), (["sigma_factor": "3"], "a string k"),
            ] as [([String: Any], String)] {
                let reply = try await api.send(.post, "/api/alerts/rules", token: admin, json: with(change))
                #expect(reply.status == .badRequest, "\(why): \(reply.status) \(reply.text)")
            }
            let temperature = try await api.send(
                .post, "/api/alerts/rules", token: admin,
                json: with(["metric": "temperature", "mode": "static", "threshold": 120, "severity": "info"], removing: ["sigma_factor"]))
            #expect(temperature.status == .created && temperature.json["cooldown_minutes"] as? Int == 240, "\(temperature.text)")
            #expect(
                try await api.send(.post, "/api/alerts/rules", token: admin, json: with(["sigma_factor": 6, "duration_minutes": 60, "metric": "ram"])).status
                    == .created)
            #expect(try await api.send(.post, "/api/alerts/rules", token: admin, json: with(["sigma_factor": 1, "duration_minutes": 5])).status == .created)
        }
    }

    @Test func a_client_has_at_most_fifty_smart_rules() async throws {
        try await APIHarness.run { api in
            let (client, admin) = try await essentials(api)
            try await api.sql(
                """
                INSERT INTO smart_alert_rules (client_id, name, metric, mode, sigma_factor, severity)
                SELECT \(client), 'Rule ' || i, 'cpu', 'adaptive', 3, 'warning' FROM generate_series(1, 49) AS i
                """)
            #expect(try await api.send(.post, "/api/alerts/rules", token: admin, json: adaptive).status == .created, "the fiftieth")
            let refused = try await api.send(.post, "/api/alerts/rules", token: admin, json: adaptive)
            #expect(refused.status == .badRequest && refused.code == "SMART_RULE_LIMIT_REACHED", "\(refused.text)")
        }
    }
}
