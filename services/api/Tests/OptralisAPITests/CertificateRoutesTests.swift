import Foundation
import OptralisCurl
import OptralisTestSupport
import Testing

@Suite("Certificate routes: public CRL, machine revoke and renew, admin list")
struct CertificateRoutesTests {
    @Test func revocations_reach_the_public_crl_and_the_admin_views() async throws {
        let caDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString)").path
        try await APIHarness.runWithCA(caDirectory: caDirectory) { api, _ in

            let client = try await api.seedClient(), other = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let outsider = try await api.login(try await api.seedUser(client: other, role: "admin").email).access
            let root = try await api.login(try await api.seedUser(client: nil, role: "super_admin").email).access
            let installToken = try #require(
                (try await api.send(.post, "/api/install-tokens", token: admin, json: [:]).json["token"] as? [String: Any])?["token"] as? String)
            let enrolled = try await api.send(.post, "/api/public/bootstrap", json: ["token": installToken, "arch": "arm64", "hostname": "edge-01"])
            let machine = try #require(enrolled.string("machine_id"))

            func crlText() async throws -> String {
                let reply = try await api.send(.get, "/api/public/crl")
                #expect(reply.status == .ok && reply.headers[.contentType] == "application/pkix-crl")
                #expect(reply.headers[.cacheControl] == "public, max-age=300")
                let path = caDirectory + "/public-\(UUID().uuidString).crl"
                try #require(FileManager.default.createFile(atPath: path, contents: Data(buffer: reply.body)))
                return try await ChildProcess.run(which("openssl") ?? "/usr/bin/openssl", ["crl", "-inform", "DER", "-in", path, "-noout", "-text"]).output
                    .lowercased()
            }
            #expect(try await crlText().contains("no revoked certificates"))

            #expect(try await api.send(.post, "/api/machines/\(machine)/certificate/revoke", token: observer).status == .forbidden)
            #expect(try await api.send(.post, "/api/machines/\(machine)/certificate/revoke", token: outsider).status == .notFound)
            let serial = try await api.database.withClient { db in
                try await db.query("SELECT serial FROM client_certificates WHERE revoked_at IS NULL", logger: testLogger).decode(String.self).reduce(
                    into: [String]()
                ) { $0.append($1) }.first
            }
            let revoked = try await api.send(.post, "/api/machines/\(machine)/certificate/revoke", token: admin, json: ["reason": "key_compromise"])
            #expect(revoked.status == .ok && revoked.json["success"] as? Bool == true, "\(revoked.text)")
            #expect(try await crlText().contains(try #require(serial).lowercased()), "the public CRL shows the revocation at once")
            #expect(
                try await api.send(.post, "/api/machines/\(machine)/certificate/revoke", token: admin).code == "CERTIFICATE_NOT_FOUND", "nothing active left")

            // Re-installed: a new certificate for the same machine.
            let reinstallToken = try #require(
                (try await api.send(.post, "/api/install-tokens", token: admin, json: [:]).json["token"] as? [String: Any])?["token"] as? String)
            let reinstalled = try await api.send(.post, "/api/public/bootstrap", json: ["token": reinstallToken, "arch": "arm64", "hostname": "edge-01"])
            #expect(reinstalled.status == .ok && reinstalled.string("machine_id") == machine, "\(reinstalled.text)")

            #expect(try await api.send(.get, "/api/admin/certificates", token: admin).status == .forbidden)
            let listed = try await api.send(.get, "/api/admin/certificates?status=revoked", token: root)
            let entries = listed.json["certificates"] as? [[String: Any]] ?? []
            #expect(
                entries.count == 1 && entries.first?["machine_hostname"] as? String == "edge-01"
                    && entries.first?["revocation_reason"] as? String == "key_compromise")
            let stats = try await api.send(.get, "/api/admin/certificates/stats", token: root)
            let counts = stats.json["counts"] as? [String: Int] ?? [:]
            #expect(counts["revoked"] == 1 && counts["valid"] == 1 && counts["total"] == 2)
            #expect(
                try await api.send(.post, "/api/admin/certificates/\(serial!)/restore", token: root).code == "CERTIFICATE_CONFLICT",
                "the machine already has the re-installed certificate")
            #expect(try await api.send(.post, "/api/admin/certificates/refresh-cache", token: root).status == .ok)
            #expect(try await api.send(.post, "/api/admin/certificates/refresh-cache", token: admin).status == .forbidden)
            let purged = try await api.send(.delete, "/api/admin/certificates/purge", token: root)
            #expect(purged.json["deleted"] as? Int == 1)
            #expect(
                (try await api.send(.get, "/api/admin/certificates", token: root).json["certificates"] as? [Any])?.count == 1, "the active certificate stays")
        }
    }
}
