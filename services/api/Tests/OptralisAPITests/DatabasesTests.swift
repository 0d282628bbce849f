import Foundation
import HTTPTypes
import OptralisTestSupport
import PostgresNIO
import Testing

/// `/api/databases` (Pro+): the licence gate and its limits, CRUD and validation, tenant walls
/// and roles, passwords sealed at rest and never answered.
@Suite("Databases")
struct DatabasesTests {
    func tenant(_ api: APIHarness, licence: String) async throws -> (client: UUID, admin: String, machine: UUID) {
        let client = try await api.seedClient()
        try await api.sql("UPDATE clients SET license_type = \(licence) WHERE id = \(client)")
        let machine = try await api.seedMachine(client: client, hostname: "db-\(UUID().uuidString.prefix(6))")
        return (client, try await api.login(try await api.seedUser(client: client, role: "admin").email).access, machine)
    }

    func body(_ machine: UUID, _ extra: [String: Any] = [:]) -> [String: Any] {
        [
            "machine_id": machine.uuidString.lowercased(), "engine": "postgresql", "host": "127.0.0.1", "port": 5432, "database_name": "shop",
            "username": "monitor", "password": "S3cret-pa55word!", "name": "Shop",
        ].merging(extra) { $1 }
    }

    @Test func databases_need_the_pro_licence() async throws {
        try await APIHarness.run { api in
            let (_, token, machine) = try await tenant(api, licence: "essentials")
            let id = UUID().uuidString.lowercased()
            let refused: [(HTTPRequest.Method, String, [String: Any]?)] = [
                (.get, "/api/databases", nil), (.post, "/api/databases", body(machine)), (.get, "/api/databases/\(id)", nil),
                (.put, "/api/databases/\(id)", ["port": 5433]), (.delete, "/api/databases/\(id)", nil),
                (.get, "/api/databases/\(id)/metrics", nil), (.get, "/api/databases/\(id)/slow-queries", nil),
            ]
            for (method, path, json) in refused {
                let reply = try await api.send(method, path, token: token, json: json)
                #expect(reply.status == .forbidden && reply.code == "PREMIUM_REQUIRED", "\(method) \(path): \(reply.text)")
                #expect(reply.string("error")?.contains("Pro") == true)
            }
            #expect(try await api.send(.get, "/api/databases").status == .unauthorized)
        }
    }

    @Test func each_licence_has_its_limit() async throws {
        try await APIHarness.run { api in
            let (_, pro, proMachine) = try await tenant(api, licence: "pro")
            let first = try await api.send(.post, "/api/databases", token: pro, json: body(proMachine))
            #expect(first.status == .created, "\(first.text)")
            let second = try await api.send(.post, "/api/databases", token: pro, json: body(proMachine, ["database_name": "other"]))
            #expect(second.status == .forbidden && second.code == "DATABASE_LIMIT_REACHED", "\(second.text)")
            #expect(try await api.send(.get, "/api/databases", token: pro).json["limit"] as? Int == 1)

            let (_, business, machine) = try await tenant(api, licence: "business")
            // Concurrent creations cannot pass the limit: the count and the insert hold one lock.
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<12 {
                    group.addTask { try await api.send(.post, "/api/databases", token: business, json: body(machine, ["database_name": "db\(index)"])).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 10 && statuses.filter { $0 == .forbidden }.count == 2, "\(statuses)")
            let list = try await api.send(.get, "/api/databases", token: business)
            #expect(list.json["total"] as? Int == 10 && list.json["limit"] as? Int == 10)

            let (_, enterprise, big) = try await tenant(api, licence: "enterprise")
            for index in 0..<11 {
                #expect(try await api.send(.post, "/api/databases", token: enterprise, json: body(big, ["database_name": "e\(index)"])).status == .created)
            }
            let unlimited = try await api.send(.get, "/api/databases", token: enterprise)
            #expect(unlimited.json["total"] as? Int == 11 && unlimited.json["limit"] is NSNull, "\(unlimited.text.prefix(200))")
        }
    }

    @Test func fields_are_checked() async throws {
        try await APIHarness.run { api in
            let (_, admin, machine) = try await tenant(api, licence: "enterprise")
            let bad: [[String: Any]] = [
                ["port": 0], ["port": 65_536], ["port": -1], ["port": 99_999_999_999], ["engine": "oracle"], ["engine": "sqlserver"],
                ["host": ""], ["host": String(repeating: "h", count: 256)], ["host": "bad host"], ["host": "-oProxyCommand"],
                ["database_name": String(repeating: "d", count: 129)], ["username": " "], ["username": "-U"],
                ["password": String(repeating: "p", count: 1_025)], ["name": String(repeating: "n", count: 101)],
                ["machine_id": "not-a-uuid"],
            ]
            for change in bad {
                let reply = try await api.send(.post, "/api/databases", token: admin, json: body(machine, change))
                #expect(
                    reply.status == .badRequest && ["VALIDATION_ERROR", "BAD_REQUEST", "INVALID_JSON"].contains(reply.code ?? ""), "\(change): \(reply.text)")
            }
            let sqlServer = try await api.send(.post, "/api/databases", token: admin, json: body(machine, ["engine": "sqlserver"]))
            #expect(sqlServer.string("error")?.contains("not supported") == true)
            var missing = body(machine)
            missing["host"] = nil
            #expect(try await api.send(.post, "/api/databases", token: admin, json: missing).code == "VALIDATION_ERROR")
            let (_, _, foreign) = try await tenant(api, licence: "pro")
            #expect(try await api.send(.post, "/api/databases", token: admin, json: body(foreign)).status == .notFound, "another client's machine")
            #expect(try await api.send(.get, "/api/databases/nope", token: admin).code == "VALIDATION_ERROR")
            let mysql = try await api.send(.post, "/api/databases", token: admin, json: body(machine, ["engine": "mysql", "port": 3306, "name": "  "]))
            #expect(mysql.status == .created && mysql.string("engine") == "mysql" && mysql.json["name"] is NSNull, "\(mysql.text)")
            let id = try #require(mysql.string("id"))
            #expect(try await api.send(.get, "/api/databases/\(id)/metrics?period=2y", token: admin).code == "VALIDATION_ERROR")
            #expect(try await api.send(.put, "/api/databases/\(id)", token: admin, json: ["port": 70_000]).code == "VALIDATION_ERROR")
        }
    }

    @Test func passwords_are_sealed_at_rest_and_never_answered() async throws {
        try await APIHarness.run { api in
            let (client, admin, machine) = try await tenant(api, licence: "pro")
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let secret = "S3cret-pa55word!"
            let created = try await api.send(.post, "/api/databases", token: admin, json: body(machine))
            let id = try #require(created.string("id"))
            #expect(created.json["has_password"] as? Bool == true)
            for path in ["/api/databases", "/api/databases/\(id)", "/api/databases/\(id)/metrics", "/api/databases/\(id)/slow-queries"] {
                for token in [admin, observer] {
                    let reply = try await api.send(.get, path, token: token)
                    #expect(reply.status == .ok, "\(path): \(reply.text)")
                    #expect(!reply.text.contains(secret) && !reply.text.contains("\"password\""), "\(path) answers no password")
                }
            }
            #expect(!created.text.contains(secret))
            let stored = try await api.database.withClient { db in
                try await db.query(
                    "SELECT password_sealed, encode(password_sealed, 'escape') FROM monitored_databases WHERE id = \(UUID(uuidString: id)!)", logger: testLogger
                )
                .decode((ByteBuffer, String).self).reduce(into: [(ByteBuffer, String)]()) { $0.append($1) }.first
            }
            let sealed = try #require(stored)
            #expect(sealed.0.readableBytes == 12 + secret.utf8.count + 16, "nonce, ciphertext and tag")
            #expect(!sealed.1.contains(secret) && !sealed.1.contains("S3cret"), "the column does not hold the plaintext")

            // Absent keeps the password, empty clears it.
            #expect(try await api.send(.put, "/api/databases/\(id)", token: admin, json: ["port": 6432]).json["has_password"] as? Bool == true)
            let cleared = try await api.send(.put, "/api/databases/\(id)", token: admin, json: ["password": ""])
            #expect(cleared.json["has_password"] as? Bool == false && cleared.json["port"] as? Int == 6432, "\(cleared.text)")
        }
    }

    @Test func tenants_are_walls_and_observers_only_read() async throws {
        try await APIHarness.run { api in
            let (client, admin, machine) = try await tenant(api, licence: "business")
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            #expect(try await api.send(.post, "/api/databases", token: observer, json: body(machine)).status == .forbidden)
            let id = try #require(try await api.send(.post, "/api/databases", token: admin, json: body(machine)).string("id"))
            #expect(try await api.send(.put, "/api/databases/\(id)", token: observer, json: ["port": 1]).status == .forbidden)
            #expect(try await api.send(.delete, "/api/databases/\(id)", token: observer).status == .forbidden)
            #expect(try await api.send(.get, "/api/databases/\(id)", token: observer).string("host") == "127.0.0.1")

            let (_, stranger, theirMachine) = try await tenant(api, licence: "business")
            for (method, path) in [(HTTPRequest.Method.get, ""), (.get, "/metrics"), (.get, "/slow-queries"), (.delete, "")] {
                #expect(try await api.send(method, "/api/databases/\(id)\(path)", token: stranger).status == .notFound, "\(method) \(path)")
            }
            #expect(try await api.send(.put, "/api/databases/\(id)", token: stranger, json: ["port": 1]).status == .notFound)
            #expect(
                try await api.send(.put, "/api/databases/\(id)", token: admin, json: ["machine_id": theirMachine.uuidString]).status == .notFound,
                "a database cannot move to another client's machine")
            #expect(try await api.send(.get, "/api/databases", token: stranger).json["total"] as? Int == 0)

            // A super_admin acts on a client by impersonating it, as elsewhere.
            let root = try await api.login(try await api.seedUser(client: nil, role: "super_admin").email).access
            #expect(try await api.send(.get, "/api/databases", token: root).status == .forbidden)
            let impersonation = try #require(try await api.send(.post, "/api/admin/impersonate/\(client)", token: root).string("access_token"))
            #expect(try await api.send(.get, "/api/databases", token: impersonation).json["total"] as? Int == 1)

            let renamed = try await api.send(.put, "/api/databases/\(id)", token: admin, json: ["name": "Orders", "enabled": false])
            #expect(renamed.string("name") == "Orders" && renamed.json["enabled"] as? Bool == false, "\(renamed.text)")
            #expect(try await api.send(.delete, "/api/databases/\(id)", token: admin).status == .ok)
            #expect(try await api.send(.get, "/api/databases/\(id)", token: admin).status == .notFound)
            let logged = try await api.database.withClient { db in
                try await db.query(
                    "SELECT count(*)::int FROM activity_logs WHERE client_id = \(client) AND message LIKE 'Base de données%'", logger: testLogger
                )
                .decode(Int.self).reduce(into: 0) { $0 = $1 }
            }
            #expect(logged == 3)
        }
    }

    @Test func alert_rules_take_the_database_metrics() async throws {
        try await APIHarness.run { api in
            let (_, admin, _) = try await tenant(api, licence: "pro")
            for metric in ["db_connections", "db_cache_hit_ratio", "db_replication_lag_ms"] {
                let created = try await api.send(
                    .post, "/api/alert-rules", token: admin,
                    json: ["name": "DB \(metric)", "metric": metric, "operator": ">", "threshold": 10, "severity": "warning"])
                #expect(created.status == .created && created.string("metric") == metric, "\(created.text)")
            }
            #expect(
                try await api.send(
                    .post, "/api/alert-rules", token: admin, json: ["name": "x", "metric": "db_size", "operator": ">", "threshold": 1, "severity": "warning"]
                )
                .code == "VALIDATION_ERROR")
        }
    }
}
