import Foundation
import OptralisTestSupport
import Testing

@Suite("Super admin: clients, licences, licence types, activity")
struct AdminTests {
    @Test func only_a_super_admin_reaches_the_admin_routes() async throws {
        try await APIHarness.run { api in
            let admin = try await api.seedUser(client: try await api.seedClient(), role: "admin")
            let token = try await api.login(admin.email).access
            for path in ["/api/admin/clients", "/api/admin/licenses", "/api/admin/license-types", "/api/admin/activity", "/api/admin/activity/stats"] {
                #expect(try await api.send(.get, path, token: token).status == .forbidden, "\(path)")
            }
            #expect(try await api.send(.get, "/api/admin/clients").status == .unauthorized)
        }
    }

    @Test func creating_a_client_creates_its_first_admin_in_one_transaction() async throws {
        try await APIHarness.run { api in
            let root = try await api.seedUser(client: nil, role: "super_admin")
            let token = try await api.login(root.email).access
            let email = "owner-\(UUID().uuidString.prefix(6).lowercased())@acme.test"
            let created = try await api.send(
                .post, "/api/admin/clients", token: token,
                json: [
                    "name": "Acme", "license_type": "pro", "language": "en",
                    "admin": ["email": email, "first_name": "Olive", "last_name": "Owner"],
                ])
            #expect(created.status == .created, "\(created.text)")
            let client = try #require(created.json["client"] as? [String: Any])
            let clientID = try #require(client["id"] as? String)
            #expect(client["license_type"] as? String == "pro")
            #expect(client["users"] as? Int == 1)
            #expect(client["max_machines"] as? Int == 100)
            let temporary = try #require(created.string("admin_temporary_password"))
            let login = try await api.send(.post, "/auth/login", json: ["email": email, "password": temporary])
            #expect((login.json["user"] as? [String: Any])?["role"] as? String == "admin")
            #expect((login.json["user"] as? [String: Any])?["client_id"] as? String == clientID)

            // The same admin email again: nothing is created, not even the client.
            let before = try await api.send(.get, "/api/admin/clients", token: token)
            let duplicate = try await api.send(.post, "/api/admin/clients", token: token, json: ["name": "Acme 2", "admin": ["email": email]])
            #expect(duplicate.code == "EMAIL_EXISTS")
            let after = try await api.send(.get, "/api/admin/clients", token: token)
            #expect((after.json["clients"] as? [Any])?.count == (before.json["clients"] as? [Any])?.count, "the client insert was rolled back")
            #expect(
                try await api.send(.post, "/api/admin/clients", token: token, json: ["name": "X", "license_type": "gold", "admin": ["email": "a@b.test"]]).code
                    == "VALIDATION_ERROR")
            #expect(
                try await api.send(.post, "/api/admin/clients", token: token, json: ["name": "  ", "admin": ["email": "a@b.test"]]).code == "VALIDATION_ERROR")

            // Update, regenerate the licence id, extend, delete.
            let updated = try await api.send(.put, "/api/admin/clients/\(clientID)", token: token, json: ["name": "Acme Corp", "license_status": "suspended"])
            #expect(updated.string("name") == "Acme Corp" && updated.string("license_status") == "suspended")
            let oldLicense = try #require(client["license_id"] as? String)
            let regenerated = try await api.send(.post, "/api/admin/clients/\(clientID)/regenerate-license-id", token: token)
            #expect(regenerated.string("license_id") != nil && regenerated.string("license_id") != oldLicense)
            let extended = try await api.send(.put, "/api/admin/clients/\(clientID)/extend", token: token, json: ["days": 30])
            #expect(extended.status == .ok)
            #expect(try await api.send(.put, "/api/admin/clients/\(clientID)/extend", token: token, json: ["days": 0]).code == "VALIDATION_ERROR")
            let licenses = try await api.send(.get, "/api/admin/licenses", token: token)
            let license = try #require((licenses.json["licenses"] as? [[String: Any]])?.first { $0["client_id"] as? String == clientID })
            #expect(license["license_status"] as? String == "active", "extending reactivates")
            #expect((license["days_left"] as? Int).map { (29...30).contains($0) } == true)
            #expect(try await api.send(.get, "/api/admin/clients/\(UUID())", token: token).status == .notFound)
            #expect(try await api.send(.delete, "/api/admin/clients/\(clientID)", token: token).status == .noContent)
            #expect(try await api.send(.post, "/auth/login", json: ["email": email, "password": temporary]).status == .unauthorized, "its users went with it")
        }
    }

    @Test func licence_types_are_managed_and_one_in_use_cannot_be_deleted() async throws {
        try await APIHarness.run { api in
            let root = try await api.seedUser(client: nil, role: "super_admin")
            let token = try await api.login(root.email).access
            let listed = try await api.send(.get, "/api/admin/license-types", token: token)
            let codes = (listed.json["license_types"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(Set(["trial", "starter", "essentials", "pro", "business", "enterprise"]).isSubset(of: Set(codes)))

            let body: [String: Any] = [
                "code": "custom_plan", "name": "Custom", "tier_level": 3, "max_machines": 42, "metrics_retention_days": 60,
                "events_retention_days": 45, "ai_monthly_quota": 10, "is_active": true,
            ]
            let created = try await api.send(.post, "/api/admin/license-types", token: token, json: body)
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.string("id"))
            #expect(try await api.send(.post, "/api/admin/license-types", token: token, json: body).code == "LICENSE_TYPE_EXISTS")
            var invalid = body
            invalid["code"] = "Bad Code"
            #expect(try await api.send(.post, "/api/admin/license-types", token: token, json: invalid).code == "VALIDATION_ERROR")
            var changed = body
            changed["max_machines"] = 50
            #expect(try await api.send(.put, "/api/admin/license-types/\(id)", token: token, json: changed).json["max_machines"] as? Int == 50)

            let client = try await api.send(
                .post, "/api/admin/clients", token: token,
                json: ["name": "Uses custom", "license_type": "custom_plan", "admin": ["email": "c-\(UUID().uuidString.prefix(6))@x.test"]])
            #expect(client.status == .created)
            #expect(try await api.send(.delete, "/api/admin/license-types/\(id)", token: token).code == "LICENSE_TYPE_IN_USE")
            let clientID = try #require((client.json["client"] as? [String: Any])?["id"] as? String)
            #expect(try await api.send(.delete, "/api/admin/clients/\(clientID)", token: token).status == .noContent)
            #expect(try await api.send(.delete, "/api/admin/license-types/\(id)", token: token).status == .noContent)
            #expect(try await api.send(.delete, "/api/admin/license-types/\(id)", token: token).status == .notFound)
        }
    }

    @Test func the_activity_log_records_auth_user_and_admin_events_with_filters_and_stats() async throws {
        try await APIHarness.run { api in
            let clientID = try await api.seedClient()
            let admin = try await api.seedUser(client: clientID, role: "admin")
            _ = try await api.send(.post, "/auth/login", json: ["email": admin.email, "password": "Wrong-Password-1!"])
            let token = try await api.login(admin.email).access
            _ = try await api.send(.post, "/api/users", token: token, json: ["email": "logged-\(UUID().uuidString.prefix(6))@x.test", "role": "observer"])
            let root = try await api.seedUser(client: nil, role: "super_admin")
            let rootToken = try await api.login(root.email).access
            _ = try await api.send(.post, "/api/admin/impersonate/\(clientID)", token: rootToken)

            let all = try await api.send(.get, "/api/admin/activity?client_id=\(clientID)&limit=50", token: rootToken)
            #expect(all.status == .ok, "\(all.text)")
            let messages = (all.json["logs"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
            for expected in ["Échec de connexion", "Connexion réussie", "Création compte", "Email de bienvenue envoyé", "Impersonation démarrée"] {
                #expect(messages.contains(expected), "missing \(expected) in \(messages)")
            }
            let failures = try await api.send(.get, "/api/admin/activity?client_id=\(clientID)&category=auth&level=warn", token: rootToken)
            let warned = failures.json["logs"] as? [[String: Any]] ?? []
            #expect(!warned.isEmpty && warned.allSatisfy { $0["level"] as? String == "warn" && $0["category"] as? String == "auth" })
            #expect(warned.contains { $0["ip_address"] as? String == api.ip }, "the client IP is recorded")
            let paged = try await api.send(.get, "/api/admin/activity?client_id=\(clientID)&limit=2&page=1", token: rootToken)
            #expect((paged.json["logs"] as? [Any])?.count == 2)
            #expect((paged.json["total"] as? Int ?? 0) >= messages.count)
            let beyond = try await api.send(.get, "/api/admin/activity?client_id=\(clientID)&limit=2&page=1000", token: rootToken)
            #expect((beyond.json["logs"] as? [Any])?.isEmpty == true)
            #expect(beyond.json["total"] as? Int == paged.json["total"] as? Int, "the total does not depend on the page")
            let failure = try #require((all.json["logs"] as? [[String: Any]])?.first { $0["message"] as? String == "Échec de connexion" })
            #expect((failure["metadata"] as? [String: String])?["email"] == admin.email, "metadata is a JSON object")
            let fractional = try await api.send(.get, "/api/admin/activity?client_id=\(clientID)&from=2020-01-01T00:00:00.000Z", token: rootToken)
            #expect(fractional.status == .ok, "dates with fractional seconds are accepted")
            #expect(try await api.send(.get, "/api/admin/activity?category=nonsense", token: rootToken).code == "VALIDATION_ERROR")
            #expect(try await api.send(.get, "/api/admin/activity?from=yesterday", token: rootToken).code == "VALIDATION_ERROR")

            let stats = try await api.send(.get, "/api/admin/activity/stats", token: rootToken)
            #expect((stats.json["total"] as? Int ?? 0) >= messages.count)
            #expect(((stats.json["by_category"] as? [String: Int])?["auth"] ?? 0) >= 3)
            #expect((stats.json["per_day"] as? [Any])?.count == 7)
        }
    }
}
