import Foundation
import OptralisTestSupport
import Testing

@Suite("Risk overrides and client settings")
struct RiskOverridesTests {
    @Test func overrides_are_saved_per_risk_replaced_deleted_and_walled_per_tenant() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            try await api.sql("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'Risky-01')")
            let base = "/api/machines/by-hostname/risky-01/risk-overrides"

            let created = try await api.send(.post, base, token: admin, json: ["risk_type": "risky_port", "risk_key": "3389", "reason": "VPN only"])
            #expect(created.status == .created && created.string("status") == "accepted" && created.json["is_active"] as? Bool == true, "\(created.text)")
            let replaced = try await api.send(
                .post, base, token: admin,
                json: [
                    "risk_type": "risky_port", "risk_key": "3389", "status": "mitigated", "expires_at": "2099-01-01T00:00:00Z",
                ])
            #expect(replaced.status == .ok && replaced.string("id") == created.string("id") && replaced.string("status") == "mitigated", "\(replaced.text)")
            #expect(try await api.send(.post, base, token: admin, json: ["risk_type": "firewall_disabled"]).status == .created)

            let invalid: [[String: Any]] = [
                ["risk_type": "Risky Port"], ["risk_type": "risky_port", "status": "ignored"], [:],
                ["risk_type": "risky_port", "expires_at": "2001-01-01T00:00:00Z"], ["risk_type": "risky_port", "reason": String(repeating: "r", count: 1001)],
            ]
            for body in invalid {
                let reply = try await api.send(.post, base, token: admin, json: body)
                #expect(reply.status == .badRequest, "\(body): \(reply.text)")
            }
            #expect(try await api.send(.post, base, token: observer, json: ["risk_type": "x"]).status == .forbidden, "observers read only")

            let listed = try await api.send(.get, base, token: observer)
            let overrides = listed.json["overrides"] as? [[String: Any]] ?? []
            #expect(
                listed.string("hostname") == "Risky-01" && overrides.map { $0["risk_type"] as? String } == ["firewall_disabled", "risky_port"], "\(listed.text)"
            )

            let stranger = try await api.login(try await api.seedUser(client: try await api.seedClient(), role: "admin").email).access
            #expect(try await api.send(.get, base, token: stranger).status == .notFound)
            let id = try #require(created.string("id"))
            #expect(try await api.send(.delete, "\(base)/\(id)", token: stranger).status == .notFound)
            #expect(try await api.send(.delete, "\(base)/\(id)", token: admin).status == .ok)
            #expect(try await api.send(.delete, "\(base)/\(id)", token: admin).status == .notFound)
            #expect(try await api.send(.delete, "\(base)/nope", token: admin).status == .badRequest)
            let logged = try await api.database.withClient { db in
                try await db.query(
                    "SELECT count(*)::int FROM activity_logs WHERE message LIKE 'Exception de risque%' AND client_id = \(client)", logger: testLogger
                )
                .decode(Int.self).reduce(into: 0) { $0 = $1 }
            }
            #expect(logged == 4)
        }
    }

    @Test func settings_show_the_licence_and_usage_of_the_callers_client_only() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient("Settings Co")
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            try await api.sql("INSERT INTO machines (client_id, hostname) VALUES (\(client), 's-1'), (\(client), 's-2')")
            try await api.sql("INSERT INTO machines (client_id, hostname) VALUES (\(try await api.seedClient()), 'other-1')")
            let reply = try await api.send(.get, "/api/settings", token: observer)
            let settings = reply.json["client"] as? [String: Any]
            #expect(reply.status == .ok && settings?["name"] as? String == "Settings Co", "\(reply.text)")
            #expect(settings?["license_type"] as? String != nil && settings?["metrics_retention_days"] as? Int != nil)
            #expect(reply.json["machine_count"] as? Int == 2)
            #expect((reply.json["limits"] as? [String: Any])?["labels_per_machine"] as? Int == 10)
            let root = try await api.login(try await api.seedUser(client: nil, role: "super_admin").email).access
            #expect(try await api.send(.get, "/api/settings", token: root).status == .forbidden, "a super_admin acts on a client by impersonating it")
        }
    }
}
