import Foundation
import OptralisCurl
import OptralisTestSupport
import Testing

@Suite("Install tokens and enrolment")
struct EnrolmentTests {
    @Test func an_install_token_enrols_machines_with_their_own_certificate_within_its_limits() async throws {
        try await APIHarness.runWithCA { api, ca in

            let client = try await api.seedClient(), other = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let outsider = try await api.login(try await api.seedUser(client: other, role: "admin").email).access

            #expect(try await api.send(.post, "/api/install-tokens", token: observer, json: [:]).status == .forbidden)
            #expect(try await api.send(.post, "/api/install-tokens", token: admin, json: ["duration_minutes": 61]).code == "VALIDATION_ERROR")
            let created = try await api.send(.post, "/api/install-tokens", token: admin, json: ["name": "rack 4", "max_usage": 2])
            #expect(created.status == .ok, "\(created.text)")
            let tokenInfo = try #require(created.json["token"] as? [String: Any])
            let secret = try #require(tokenInfo["token"] as? String)
            #expect(secret.count == 43, "256 random bits in base64url")
            #expect(created.string("curl_command") == "curl -fsSL https://monitoring.test/install.sh | sudo sh", "the token is never on the command line")
            #expect(created.string("powershell_command") == "irm https://monitoring.test/install.ps1 | iex", "nor on PowerShell's")
            let listed = try await api.send(.get, "/api/install-tokens", token: observer)
            let tokens = listed.json["tokens"] as? [[String: Any]] ?? []
            #expect(tokens.count == 1 && tokens.first?["token"] == nil, "the token value is shown once, never listed")
            #expect(try await api.send(.delete, "/api/install-tokens/\(tokenInfo["id"]!)", token: outsider).status == .notFound)

            func enrol(_ token: String, hostname: String) async throws -> APIHarness.Reply {
                try await api.send(
                    .post, "/api/public/bootstrap",
                    json: ["token": token, "arch": "amd64", "hostname": hostname, "hardware_id": "HW-\(hostname)", "os": "Debian 12"])
            }
            #expect(try await enrol("wrong", hostname: "srv-1").code == "INVALID_INSTALL_TOKEN")
            #expect(
                try await api.send(.post, "/api/public/bootstrap", json: ["token": secret, "arch": "sparc", "hostname": "srv-1"]).code == "VALIDATION_ERROR")
            let first = try await enrol(secret, hostname: "srv-1")
            #expect(first.status == .ok, "\(first.text)\n\(ca.child.output.suffix(500))")
            let machine = try #require(first.string("machine_id"))
            #expect(first.string("agent_api_url") == "https://monitoring.test:8443", "PUBLIC_URL's host on the agent port")
            #expect(first.string("client_id")?.lowercased() == client.uuidString.lowercased())
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("enrol-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try first.string("ca_certificate")!.write(to: directory.appendingPathComponent("ca.pem"), atomically: true, encoding: .utf8)
            try first.string("certificate")!.write(to: directory.appendingPathComponent("cert.pem"), atomically: true, encoding: .utf8)
            let verified = try await ChildProcess.run(
                which("openssl") ?? "/usr/bin/openssl",
                ["verify", "-CAfile", directory.appendingPathComponent("ca.pem").path, directory.appendingPathComponent("cert.pem").path])
            #expect(verified.status == 0, "\(verified.output)")

            let again = try await enrol(secret, hostname: "SRV-1".lowercased())
            #expect(again.string("machine_id") == machine, "the same hardware id is the same machine")
            #expect(try await enrol(secret, hostname: "srv-2").code == "INVALID_INSTALL_TOKEN", "max_usage 2 is used up")

            let unlimited = try #require(
                (try await api.send(.post, "/api/install-tokens", token: admin, json: ["max_usage": 0]).json["token"] as? [String: Any])?["token"] as? String)
            for index in 2...5 { #expect(try await enrol(unlimited, hostname: "srv-\(index)").status == .ok) }
            #expect(try await enrol(unlimited, hostname: "srv-6").code == "LICENSE_MACHINE_LIMIT", "a trial licence holds 5 machines")

            let revocable = try await api.send(.post, "/api/install-tokens", token: admin, json: [:])
            let revocableID = try #require((revocable.json["token"] as? [String: Any])?["id"] as? String)
            #expect(try await api.send(.delete, "/api/install-tokens/\(revocableID)", token: admin).status == .noContent)
            #expect(try await enrol((revocable.json["token"] as! [String: Any])["token"] as! String, hostname: "srv-1").code == "INVALID_INSTALL_TOKEN")

            let active = try await api.database.withClient { db in
                try await db.query("SELECT count(*)::int FROM client_certificates WHERE revoked_at IS NULL", logger: testLogger).decode(Int.self).reduce(0, +)
            }
            #expect(active == 5, "one active certificate per enrolled machine")
        }
    }

    @Test func two_concurrent_bootstraps_with_a_single_use_token_yield_one_certificate() async throws {
        try await APIHarness.runWithCA { api, _ in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let created = try await api.send(.post, "/api/install-tokens", token: admin, json: ["max_usage": 1])
            let secret = try #require((created.json["token"] as? [String: Any])?["token"] as? String)
            async let first = api.send(.post, "/api/public/bootstrap", json: ["token": secret, "arch": "amd64", "hostname": "race-a"])
            async let second = api.send(.post, "/api/public/bootstrap", json: ["token": secret, "arch": "amd64", "hostname": "race-b"])
            let results = try await [first, second]
            #expect(results.filter { $0.status == .ok }.count == 1, "\(results.map(\.text))")
            #expect(results.filter { $0.code == "INVALID_INSTALL_TOKEN" }.count == 1)
            let certificates = try await api.database.withClient { db in
                try await db.query("SELECT count(*)::int FROM client_certificates", logger: testLogger).decode(Int.self).reduce(0, +)
            }
            #expect(certificates == 1)
        }
    }
}
