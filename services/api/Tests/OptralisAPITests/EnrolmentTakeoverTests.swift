import Foundation
import OptralisRedis
import OptralisTestSupport
import PostgresNIO
import Testing

/// Issue 17, item 3: an ordinary install token no longer re-binds a live machine to whoever
/// holds it; tokens are single use by default; every re-binding is logged and emailed to the
/// client's admins.
@Suite("Enrolment: re-binding an existing machine")
struct EnrolmentTakeoverTests {
    @Test func an_install_token_is_single_use_unless_the_admin_asks_for_more() async throws {
        try await APIHarness.runWithCA { api, _ in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let created = try await api.send(.post, "/api/install-tokens", token: admin, json: [:])
            let info = try #require(created.json["token"] as? [String: Any], "\(created.text)")
            #expect(info["max_usage"] as? Int == 1 && info["allow_reenrolment"] as? Bool == false, "\(created.text)")
            let secret = try #require(info["token"] as? String)
            let first = try await api.send(.post, "/api/public/bootstrap", json: ["token": secret, "arch": "amd64", "hostname": "once-1"])
            #expect(first.status == .ok, "\(first.text)")
            let second = try await api.send(.post, "/api/public/bootstrap", json: ["token": secret, "arch": "amd64", "hostname": "once-2"])
            #expect(second.code == "INVALID_INSTALL_TOKEN", "\(second.text)")

            let batch = try await api.send(.post, "/api/install-tokens", token: admin, json: ["max_usage": 3])
            let batchSecret = try #require((batch.json["token"] as? [String: Any])?["token"] as? String)
            for index in 1...3 {
                #expect(
                    try await api.send(.post, "/api/public/bootstrap", json: ["token": batchSecret, "arch": "amd64", "hostname": "batch-\(index)"]).status
                        == .ok)
            }
            #expect(try await api.send(.post, "/api/install-tokens", token: admin, json: ["max_usage": 10_001]).code == "VALIDATION_ERROR")
        }
    }

    @Test func an_ordinary_token_cannot_rebind_a_live_machine_and_the_refusal_spends_no_use() async throws {
        try await APIHarness.runWithCA { api, _ in
            let client = try await api.seedClient()
            let adminUser = try await api.seedUser(client: client, role: "admin")
            let admin = try await api.login(adminUser.email).access
            func token(_ body: [String: Any]) async throws -> (id: String, secret: String) {
                let created = try await api.send(.post, "/api/install-tokens", token: admin, json: body)
                let info = try #require(created.json["token"] as? [String: Any], "\(created.text)")
                return (try #require(info["id"] as? String), try #require(info["token"] as? String))
            }
            func enrol(_ secret: String, hostname: String = "prod-db-1", hardware: String = "HW-PROD-DB-1") async throws -> APIHarness.Reply {
                try await api.send(.post, "/api/public/bootstrap", json: ["token": secret, "arch": "amd64", "hostname": hostname, "hardware_id": hardware])
            }
            func activeSerials() async throws -> [String] {
                try await api.database.withClient { db in
                    try await db.query("SELECT serial FROM client_certificates WHERE client_id = \(client) AND revoked_at IS NULL", logger: testLogger)
                        .decode(String.self).reduce(into: [String]()) { $0.append($1) }
                }
            }
            let enrolled = try await enrol(try await token([:]).secret)
            let machine = try #require(enrolled.string("machine_id").flatMap(UUID.init(uuidString:)), "\(enrolled.text)")
            let original = try await activeSerials()
            try #require(original.count == 1)
            // Its agent has just called in (what a heartbeat writes).
            try await api.sql("UPDATE machines SET last_seen = now() WHERE id = \(machine)")

            let ordinary = try await token([:])
            let refused = try await enrol(ordinary.secret, hostname: "attacker-box")
            #expect(refused.status == .conflict && refused.code == "MACHINE_ACTIVE", "same hardware id, live machine: \(refused.text)")
            let byName = try await enrol(ordinary.secret, hardware: "HW-OTHER")
            #expect(byName.code == "MACHINE_ACTIVE", "same host name, live machine: \(byName.text)")
            #expect(try await activeSerials() == original, "the live agent keeps its certificate")
            let uses = try await api.database.withClient { db in
                try await db.query("SELECT usage_count FROM install_tokens WHERE id = \(UUID(uuidString: ordinary.id)!)", logger: testLogger)
                    .decode(Int.self).reduce(0, +)
            }
            #expect(uses == 0, "a refused enrolment does not spend the token")
            #expect(try await enrol(ordinary.secret, hostname: "new-box", hardware: "HW-NEW").status == .ok, "the token still enrols a new machine")

            // An admin's token made for it re-binds the live machine, at once, and says so.
            let allowed = try await token(["allow_reenrolment": true, "name": "rebuild prod-db-1"])
            let rebound = try await enrol(allowed.secret)
            #expect(rebound.status == .ok && rebound.string("machine_id") == machine.uuidString.lowercased(), "\(rebound.text)")
            let after = try await activeSerials()
            #expect(after.count == 2 && !after.contains(original[0]), "new-box's and prod-db-1's new certificate")
            let graceless = try await api.database.withClient { db in
                try await db.query(
                    "SELECT count(*)::int FROM client_certificates WHERE serial = \(original[0]) AND revocation_reason = 'superseded' AND grace_until IS NULL",
                    logger: testLogger
                ).decode(Int.self).reduce(0, +)
            }
            #expect(graceless == 1, "a re-enrolment is not a renewal: the old certificate has no grace")
            let logged = try await api.database.withClient { db in
                try await db.query(
                    """
                    SELECT level, metadata->>'was_active', metadata->>'token_name' FROM activity_logs
                    WHERE client_id = \(client) AND message = 'Machine ré-enrôlée' AND metadata->>'machine_id' = \(machine.uuidString.lowercased())
                    """, logger: testLogger
                ).decode((String, String?, String?).self).reduce(into: [(String, String?, String?)]()) { $0.append($1) }
            }
            #expect(logged.count == 1 && logged.first?.0 == "warn" && logged.first?.1 == "true" && logged.first?.2 == "rebuild prod-db-1", "\(logged)")

            // Not seen for 11 minutes: a re-install, which an ordinary token may do; logged and emailed too.
            try await api.sql("UPDATE machines SET last_seen = now() - INTERVAL '11 minutes' WHERE id = \(machine)")
            let reinstall = try await enrol(try await token([:]).secret)
            #expect(reinstall.status == .ok && reinstall.string("machine_id") == machine.uuidString.lowercased(), "\(reinstall.text)")

            let redis = RedisClient(url: try RedisURL(parsing: api.redisURL), maximumConnections: 1, logger: testLogger)
            let jobs = try await redis.listRange("email:queue")
            await redis.shutdown()
            let notices = jobs.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .filter { $0["email"] as? String == adminUser.email && $0["type"] as? String == "security_notice" }
            #expect(notices.count == 2, "one notice per re-binding: \(notices)")
            let texts = notices.compactMap { $0["data"] as? [String: String] }
            #expect(texts.allSatisfy { $0["subject"]?.contains("prod-db-1") == true }, "\(texts)")
            #expect(texts.contains { $0["textBody"]?.contains("rebuild prod-db-1") == true }, "the notice names the token used: \(texts)")
        }
    }
}
