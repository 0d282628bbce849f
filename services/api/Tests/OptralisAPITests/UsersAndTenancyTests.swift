import Foundation
import HTTPTypes
@testable import OptralisAPI
import OptralisRedis
import OptralisTestSupport
import Testing

@Suite("Users, roles and tenant walls")
struct UsersAndTenancyTests {
    @Test func observers_get_403_on_every_write_route() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let admin = try await api.seedUser(client: client, role: "admin")
            let observer = try await api.seedUser(client: client, role: "observer")
            let token = try await api.login(observer.email).access
            #expect(try await api.send(.get, "/api/users", token: token).status == .ok, "observers read")
            let writes: [(HTTPRequest.Method, String, [String: Any]?)] = [
                (.post, "/api/users", ["email": "x@example.com", "role": "observer"]),
                (.put, "/api/users/\(admin.id)", ["first_name": "X"]),
                (.delete, "/api/users/\(admin.id)", nil),
                (.post, "/api/users/\(admin.id)/reset-password", nil),
            ]
            for (method, path, body) in writes {
                let reply = try await api.send(method, path, token: token, json: body)
                #expect(reply.status == .forbidden, "\(method) \(path)")
            }
            #expect(try await api.send(.get, "/api/admin/clients", token: token).status == .forbidden)
            // Self-service stays open to observers.
            #expect(try await api.send(.post, "/api/users/mfa/setup", token: token).status == .ok)
        }
    }

    @Test func another_clients_ids_answer_404_on_every_route() async throws {
        try await APIHarness.run { api in
            let clientA = try await api.seedClient(), clientB = try await api.seedClient()
            let adminA = try await api.seedUser(client: clientA, role: "admin")
            _ = try await api.seedUser(client: clientA, role: "admin")
            let userB = try await api.seedUser(client: clientB, role: "admin")
            let token = try await api.login(adminA.email).access
            let attempts: [(HTTPRequest.Method, String, [String: Any]?)] = [
                (.put, "/api/users/\(userB.id)", ["first_name": "Mallory", "role": "observer"]),
                (.delete, "/api/users/\(userB.id)", nil),
                (.post, "/api/users/\(userB.id)/reset-password", nil),
            ]
            for (method, path, body) in attempts {
                let reply = try await api.send(method, path, token: token, json: body)
                #expect(reply.status == .notFound, "\(method) \(path): \(reply.text)")
            }
            let listed = try await api.send(.get, "/api/users", token: token)
            let emails = (listed.json["users"] as? [[String: Any]] ?? []).compactMap { $0["email"] as? String }
            #expect(emails.count == 2 && !emails.contains(userB.email), "the list holds client A's users only")
            // client B's admin is untouched.
            let stillThere = try await api.login(userB.email)
            #expect(!stillThere.access.isEmpty)
        }
    }

    @Test func user_management_protections() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let admin = try await api.seedUser(client: client, role: "admin")
            let token = try await api.login(admin.email).access

            #expect(try await api.send(.put, "/api/users/\(admin.id)", token: token, json: ["role": "observer"]).code == "CANNOT_CHANGE_OWN_ROLE")
            #expect(try await api.send(.delete, "/api/users/\(admin.id)", token: token).code == "CANNOT_DELETE_SELF")
            #expect(try await api.send(.post, "/api/users", token: token, json: ["email": "s@example.com", "role": "super_admin"]).code == "VALIDATION_ERROR")
            #expect(try await api.send(.post, "/api/users", token: token, json: ["email": "not-an-email", "role": "observer"]).code == "VALIDATION_ERROR")
            #expect(
                try await api.send(.post, "/api/users", token: token, json: ["email": "w@example.com", "role": "observer", "password": "weak"]).code
                    == "WEAK_PASSWORD")
            #expect(try await api.send(.post, "/api/users", token: token, json: ["role": "observer"]).status == .badRequest, "a missing field is a 400")

            let created = try await api.send(
                .post, "/api/users", token: token, json: ["email": "Second.Admin@Example.com", "role": "admin", "first_name": "Ann"])
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["temporary_password"] is String)
            #expect(created.json["welcome_email_queued"] as? Bool == true)
            let second = try #require((created.json["user"] as? [String: Any])?["id"] as? String)
            #expect(
                try await api.send(.post, "/api/users", token: token, json: ["email": "second.admin@example.com", "role": "observer"]).code == "EMAIL_EXISTS")
            #expect(try await api.send(.put, "/api/users/\(second)", token: token, json: ["email": admin.email]).code == "EMAIL_EXISTS")

            let demoted = try await api.send(.put, "/api/users/\(second)", token: token, json: ["role": "observer", "language": "en"])
            #expect(demoted.status == .ok, "with two admins, one may be demoted")
            #expect(demoted.string("role") == "observer" && demoted.string("language") == "en")

            // Roles are read from the database on each request, not trusted from the token.
            let helper = try await api.seedUser(client: client, role: "admin")
            let helperToken = try await api.login(helper.email).access
            try await api.sql("UPDATE users SET role = 'observer' WHERE id = \(helper.id)")
            #expect(try await api.send(.post, "/api/users/\(second)/reset-password", token: helperToken).status == .forbidden)
            try await api.sql("DELETE FROM users WHERE id = \(helper.id)")
            #expect(try await api.send(.get, "/api/me", token: helperToken).status == .unauthorized, "a deleted user's token stops working")

            // An admin's reset gives a temporary password and ends the user's sessions.
            let observer = try await api.seedUser(client: client, role: "observer")
            let observerSession = try await api.login(observer.email)
            let reset = try await api.send(.post, "/api/users/\(observer.id)/reset-password", token: token)
            let temporary = try #require(reset.string("temporary_password"))
            #expect(try await api.send(.post, "/auth/refresh", json: ["refresh_token": observerSession.refresh]).status == .unauthorized)
            let relogin = try await api.send(.post, "/auth/login", json: ["email": observer.email, "password": temporary])
            #expect((relogin.json["user"] as? [String: Any])?["must_change_password"] as? Bool == true)
            #expect(try await api.send(.delete, "/api/users/\(observer.id)", token: token).status == .noContent)
        }
    }

    @Test func the_last_admin_is_protected_even_from_an_impersonating_super_admin() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let onlyAdmin = try await api.seedUser(client: client, role: "admin")
            let root = try await api.seedUser(client: nil, role: "super_admin")
            let rootToken = try await api.login(root.email).access
            #expect(try await api.send(.get, "/api/users", token: rootToken).status == .forbidden, "a super_admin impersonates before acting on a client")
            let impersonation = try await api.send(.post, "/api/admin/impersonate/\(client)", token: rootToken)
            let token = try #require(impersonation.string("access_token"))
            #expect(try await api.send(.put, "/api/users/\(onlyAdmin.id)", token: token, json: ["role": "observer"]).code == "LAST_ADMIN")
            #expect(try await api.send(.delete, "/api/users/\(onlyAdmin.id)", token: token).code == "LAST_ADMIN")
            #expect(try await api.send(.get, "/api/admin/clients", token: token).status == .forbidden, "an impersonation token is not a super_admin token")
            let me = try await api.send(.get, "/api/me", token: token)
            #expect(me.string("impersonated_by") == root.id.uuidString.lowercased() || me.string("impersonated_by") == root.id.uuidString)
        }
    }

    @Test func the_last_admin_cannot_be_demoted_or_deleted_by_another_admin() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let first = try await api.seedUser(client: client, role: "admin")
            let second = try await api.seedUser(client: client, role: "admin")
            let firstToken = try await api.login(first.email).access
            let secondToken = try await api.login(second.email).access
            #expect(try await api.send(.put, "/api/users/\(second.id)", token: firstToken, json: ["role": "observer"]).status == .ok)
            // `second` is an observer now; promote back through SQL to set up two admins, then
            // demote both at once: exactly one request may win.
            try await api.sql("UPDATE users SET role = 'admin' WHERE id = \(second.id)")
            async let a = api.send(.put, "/api/users/\(second.id)", token: firstToken, json: ["role": "observer"])
            async let b = api.send(.put, "/api/users/\(first.id)", token: secondToken, json: ["role": "observer"])
            let results = try await [a, b]
            #expect(results.filter { $0.status == .ok }.count == 1, "\(results.map(\.text))")
            #expect(results.contains { $0.code == "LAST_ADMIN" || $0.status == .forbidden })
            let admins = try await api.database.withClient { db in
                try await db.query("SELECT count(*) FROM users WHERE client_id = \(client) AND role = 'admin'", logger: testLogger).decode(Int.self).reduce(
                    0, +)
            }
            #expect(admins == 1)
        }
    }

    @Test func first_login_must_change_the_password_before_anything_else() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let user = try await api.seedUser(client: client, role: "admin", mustChange: true)
            let login = try await api.send(.post, "/auth/login", json: ["email": user.email, "password": APIHarness.password])
            #expect((login.json["user"] as? [String: Any])?["must_change_password"] as? Bool == true)
            let token = try #require(login.string("access_token"))
            #expect(try await api.send(.get, "/api/users", token: token).code == "PASSWORD_CHANGE_REQUIRED")
            #expect(try await api.send(.post, "/api/users/mfa/setup", token: token).code == "PASSWORD_CHANGE_REQUIRED")
            #expect(try await api.send(.get, "/api/me", token: token).status == .ok)

            #expect(
                try await api.send(
                    .post, "/api/change-password", token: token, json: ["current_password": "Wrong-Pass-123!", "new_password": "Brand-New-Pass-1!"]
                ).code == "INVALID_PASSWORD")
            #expect(
                try await api.send(.post, "/api/change-password", token: token, json: ["current_password": APIHarness.password, "new_password": "short"]).code
                    == "WEAK_PASSWORD")
            #expect(
                try await api.send(
                    .post, "/api/change-password", token: token, json: ["current_password": APIHarness.password, "new_password": APIHarness.password]
                ).code == "VALIDATION_ERROR")
            let changed = try await api.send(
                .post, "/api/change-password", token: token, json: ["current_password": APIHarness.password, "new_password": "Brand-New-Pass-1!"])
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(try await api.send(.get, "/api/me", token: token).code == "TOKEN_REVOKED", "the old session ended")
            let fresh = try #require(changed.string("access_token"))
            #expect(try await api.send(.get, "/api/users", token: fresh).status == .ok)
            #expect(try await api.send(.post, "/auth/login", json: ["email": user.email, "password": "Brand-New-Pass-1!"]).status == .ok)

            // 90 days later the password has expired: the same gate closes again.
            try await api.sql("UPDATE users SET password_expires_at = now() - INTERVAL '1 day' WHERE id = \(user.id)")
            #expect(try await api.send(.get, "/api/users", token: fresh).code == "PASSWORD_EXPIRED")
        }
    }

    @Test func password_reset_goes_through_the_email_queue_and_is_single_use() async throws {
        // A Redis of its own, so the queue read below sees exactly this test's jobs.
        let redisServer = try RedisServerProcess()
        try await redisServer.start()
        defer { Task { await redisServer.stop() } }
        try await APIHarness.run(redisURL: redisServer.url) { api in
            let user = try await api.seedUser(client: try await api.seedClient(), role: "observer")
            let session = try await api.login(user.email)
            let unknown = try await api.send(.post, "/auth/request-password-reset", json: ["email": "ghost-\(UUID().uuidString)@example.com"])
            let known = try await api.send(.post, "/auth/request-password-reset", json: ["email": user.email])
            #expect(unknown.status == .ok && known.status == .ok)
            #expect(unknown.text == known.text, "the answer never says whether the email exists")

            let redis = RedisClient(url: try RedisURL(parsing: redisServer.url), maximumConnections: 1, logger: testLogger)
            let jobs = try await redis.listRange("email:queue")
            await redis.shutdown()
            let job = try #require(
                jobs.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                    .first { $0["email"] as? String == user.email && $0["type"] as? String == "password_reset" })
            #expect(job["language"] as? String == "fr")
            #expect(job["retries"] as? Int == 0)
            #expect(job["created_at"] is String)
            let data = try #require(job["data"] as? [String: String])
            let url = try #require(data["reset_url"])
            #expect(url.hasPrefix("https://monitoring.test/reset-password?token="))
            let token = String(url.split(separator: "=").last!)

            #expect(try await api.send(.get, "/auth/validate-reset-token?token=\(token)").json["valid"] as? Bool == true)
            #expect(try await api.send(.get, "/auth/validate-reset-token?token=nope").code == "INVALID_RESET_TOKEN")
            #expect(try await api.send(.post, "/auth/reset-password", json: ["token": token, "new_password": "weak"]).code == "WEAK_PASSWORD")
            #expect(try await api.send(.post, "/auth/reset-password", json: ["token": token, "new_password": "Reset-Password-2!"]).status == .ok)
            #expect(
                try await api.send(.post, "/auth/reset-password", json: ["token": token, "new_password": "Reset-Password-3!"]).code == "INVALID_RESET_TOKEN")
            #expect(try await api.send(.post, "/auth/refresh", json: ["refresh_token": session.refresh]).status == .unauthorized, "a reset ends every session")
            #expect(try await api.send(.post, "/auth/login", json: ["email": user.email, "password": "Reset-Password-2!"]).status == .ok)
            let hashed = try await api.database.withClient { db in
                try await db.query("SELECT count(*) FROM password_reset_tokens WHERE token_hash = \(SecureToken.sha256Hex(token))", logger: testLogger)
                    .decode(Int.self).reduce(0, +)
            }
            #expect(hashed == 1, "only the token's SHA-256 is stored")
        }
    }
}
