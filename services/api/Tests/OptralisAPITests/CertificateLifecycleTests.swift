import Foundation
import OptralisCurl
import OptralisTestSupport
import PostgresNIO
import Testing

/// Issue 17, item 6: revocation reasons are RFC 5280's, a revocation never has the renewal's
/// grace and a re-enrolment never lifts one, an admin's renewal is the agent's own, and deleting
/// a machine revokes its certificates at once.
@Suite("Certificate life cycle")
struct CertificateLifecycleTests {
    /// The status of `GET /agent/ping` with these TLS files; 0 when TLS itself refused.
    static func ping(_ bed: AgentTestBed, _ tls: TLSOptions) async -> Int {
        (try? await bed.curl.send(OutboundRequest(url: bed.base + "/agent/ping", tls: tls)))?.status ?? 0
    }

    static func superAdmin(_ api: APIHarness) async throws -> String {
        try await api.login(try await api.seedUser(client: nil, role: "super_admin").email).access
    }

    /// A new install token of the agent's client, and a bootstrap of the same host name.
    static func reenrol(_ bed: AgentTestBed, _ agent: AgentTestBed.Agent, hostname: String) async throws -> APIHarness.Reply {
        let created = try await bed.api.send(.post, "/api/install-tokens", token: agent.adminToken, json: [:])
        let token = try #require((created.json["token"] as? [String: Any])?["token"] as? String, "\(created.text)")
        return try await bed.api.send(.post, "/api/public/bootstrap", json: ["token": token, "arch": "amd64", "hostname": hostname])
    }

    /// `GET /api/public/crl` as `openssl crl -text` prints it.
    static func publicCRL(_ bed: AgentTestBed) async throws -> String {
        let reply = try await bed.api.send(.get, "/api/public/crl")
        let path = bed.work + "/public-\(UUID().uuidString).crl"
        try #require(FileManager.default.createFile(atPath: path, contents: Data(buffer: reply.body)))
        return try await ChildProcess.run(which("openssl") ?? "/usr/bin/openssl", ["crl", "-inform", "DER", "-in", path, "-noout", "-text"]).output
    }

    static func copyIdentity(_ tls: TLSOptions, to prefix: String) throws -> TLSOptions {
        let (certificate, key) = (prefix + ".crt", prefix + ".key")
        try FileManager.default.copyItem(atPath: try #require(tls.clientCertificateFile), toPath: certificate)
        try FileManager.default.copyItem(atPath: try #require(tls.clientKeyFile), toPath: key)
        return TLSOptions(caFile: tls.caFile, clientCertificateFile: certificate, clientKeyFile: key)
    }

    @Test func an_unknown_revocation_reason_is_400_and_revokes_nothing() async throws {
        let caDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString)").path
        try await APIHarness.runWithCA(caDirectory: caDirectory) { api, _ in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let token = try #require(
                (try await api.send(.post, "/api/install-tokens", token: admin, json: [:]).json["token"] as? [String: Any])?["token"] as? String)
            let machine = try #require(
                try await api.send(.post, "/api/public/bootstrap", json: ["token": token, "arch": "amd64", "hostname": "reason-1"]).string("machine_id"))
            func active() async throws -> Int {
                try await api.database.withClient { db in
                    try await db.query("SELECT count(*)::int FROM client_certificates WHERE client_id = \(client) AND revoked_at IS NULL", logger: testLogger)
                        .decode(Int.self).reduce(0, +)
                }
            }
            for reason in ["stolen", "Superseded", "keyCompromise", ""] {
                let refused = try await api.send(.post, "/api/machines/\(machine)/certificate/revoke", token: admin, json: ["reason": reason])
                #expect(refused.status == .badRequest && refused.code == "VALIDATION_ERROR", "\(reason): \(refused.text)")
            }
            #expect(try await active() == 1, "nothing was revoked")

            let revoked = try await api.send(.post, "/api/machines/\(machine)/certificate/revoke", token: admin, json: ["reason": "privilege_withdrawn"])
            #expect(revoked.status == .ok, "\(revoked.text)")
            #expect(try await active() == 0)
            let crl = try await api.send(.get, "/api/public/crl")
            let path = caDirectory + "/reasons.crl"
            try #require(FileManager.default.createFile(atPath: path, contents: Data(buffer: crl.body)))
            let text = try await ChildProcess.run(which("openssl") ?? "/usr/bin/openssl", ["crl", "-inform", "DER", "-in", path, "-noout", "-text"]).output
            #expect(text.contains("Privilege Withdrawn"), "RFC 5280 code 9 in the CRL: \(text)")
        }
    }

    @Test func an_admin_revocation_has_no_grace_even_with_reason_superseded_nor_after_a_reenrolment() async throws {
        try await AgentTestBed.run { bed in
            let agent = try await bed.enrol(hostname: "revoked-1")
            #expect(await Self.ping(bed, agent.tls) == 200)
            let revoked = try await bed.api.send(
                .post, "/api/machines/\(agent.machineID)/certificate/revoke", token: agent.adminToken, json: ["reason": "superseded"])
            #expect(revoked.status == .ok, "\(revoked.text)")
            #expect(await Self.ping(bed, agent.tls) != 200, "refused at once, not after a grace")

            let old = try Self.copyIdentity(agent.tls, to: bed.work + "/revoked-1-old")
            let again = try await Self.reenrol(bed, agent, hostname: "revoked-1")
            #expect(again.status == .ok && again.string("machine_id") == agent.machineID.uuidString.lowercased(), "\(again.text)")
            // The cached refusal gone, the database answers: still refused.
            #expect(try await bed.api.send(.post, "/api/admin/certificates/refresh-cache", token: try await Self.superAdmin(bed.api)).status == .ok)
            #expect(await Self.ping(bed, old) != 200, "a re-enrolment does not lift a revocation")
        }
    }

    @Test func an_admin_renewal_is_handed_to_the_agent_which_renews_through_its_own_route() async throws {
        try await AgentTestBed.run { bed in
            let agent = try await bed.enrol(hostname: "renew-1")
            let first = try Self.copyIdentity(agent.tls, to: bed.work + "/renew-1-first")
            func certificates() async throws -> Int {
                try await bed.count("SELECT count(*)::int FROM client_certificates WHERE machine_id = \(agent.machineID)")
            }
            #expect(try await bed.post("/agent/heartbeat", as: agent, body: "{}").bodyJSON["renew_certificate"] as? Bool == false)
            #expect(try await bed.post("/agent/certificate/renew", as: agent, body: "{}").status == 400, "a year left and nobody asked: too early")

            let requested = try await bed.api.send(.post, "/api/machines/\(agent.machineID)/certificate/renew", token: agent.adminToken)
            #expect(requested.status == .ok && requested.string("renewal_requested_at") != nil, "\(requested.text)")
            #expect(try await certificates() == 1, "no certificate, and no private key, made for nobody")
            let beat = try await bed.post("/agent/heartbeat", as: agent, body: "{}")
            #expect(beat.bodyJSON["renew_certificate"] as? Bool == true, "\(beat.bodyText)")

            let renewed = try await bed.post("/agent/certificate/renew", as: agent, body: "{}")
            #expect(renewed.status == 200, "the request allows the renewal before the last 30 days: \(renewed.bodyText)")
            let second = TLSOptions(
                caFile: agent.tls.caFile, clientCertificateFile: bed.work + "/renew-1-second.crt", clientKeyFile: bed.work + "/renew-1-second.key")
            try #require(renewed.bodyJSON["certificate"] as? String).write(toFile: second.clientCertificateFile!, atomically: true, encoding: .utf8)
            try #require(renewed.bodyJSON["private_key"] as? String).write(toFile: second.clientKeyFile!, atomically: true, encoding: .utf8)
            #expect(await Self.ping(bed, second) == 200)
            #expect(
                try await bed.curl.send(
                    OutboundRequest(
                        method: .post, url: bed.base + "/agent/heartbeat", headers: [("Content-Type", "application/json")], body: Array("{}".utf8), tls: second
                    )
                ).bodyJSON["renew_certificate"] as? Bool == false, "answered")
            #expect(await Self.ping(bed, first) == 200, "a renewal leaves the old certificate its 24 h grace")

            // A revocation ends that grace, and a later re-enrolment does not bring it back.
            #expect(
                try await bed.api.send(
                    .post, "/api/machines/\(agent.machineID)/certificate/revoke", token: agent.adminToken, json: ["reason": "key_compromise"]
                ).status == .ok)
            #expect(await Self.ping(bed, second) != 200, "the revoked certificate")
            #expect(await Self.ping(bed, first) != 200, "its grace ended by the revocation")
            let orphan = try await bed.api.send(.post, "/api/machines/\(agent.machineID)/certificate/renew", token: agent.adminToken)
            #expect(orphan.status == .notFound && orphan.code == "CERTIFICATE_NOT_FOUND", "no active certificate to renew with: \(orphan.text)")
            #expect(try await Self.reenrol(bed, agent, hostname: "renew-1").status == .ok)
            #expect(try await bed.api.send(.post, "/api/admin/certificates/refresh-cache", token: try await Self.superAdmin(bed.api)).status == .ok)
            #expect(await Self.ping(bed, first) != 200, "the superseded certificate stays refused after the re-enrolment")
        }
    }

    @Test func deleting_a_machine_revokes_its_certificates_and_its_agent_is_refused_at_once() async throws {
        try await AgentTestBed.run { bed in
            let agent = try await bed.enrol(hostname: "deleted-1")
            #expect(await Self.ping(bed, agent.tls) == 200, "and its good status is cached")
            let serial = try await bed.api.database.withClient { db in
                try await db.query("SELECT serial FROM client_certificates WHERE machine_id = \(agent.machineID)", logger: testLogger)
                    .decode(String.self).reduce(into: [String]()) { $0.append($1) }.first
            }
            #expect(try await Self.publicCRL(bed).contains("No Revoked Certificates"), "fetched, so the api caches it")
            let deleted = try await bed.api.send(.delete, "/api/machines/by-hostname/deleted-1", token: agent.adminToken)
            #expect(deleted.status == .ok, "\(deleted.text)")
            #expect(await Self.ping(bed, agent.tls) != 200, "refused now, not when the cache expires")
            let reason = try await bed.api.database.withClient { db in
                try await db.query(
                    "SELECT COALESCE(revocation_reason, '') FROM client_certificates WHERE serial = \(try #require(serial)) AND revoked_at IS NOT NULL",
                    logger: testLogger
                ).decode(String.self).reduce(into: [String]()) { $0.append($1) }
            }
            #expect(reason == ["cessation_of_operation"], "\(reason)")
            let listed = try await Self.publicCRL(bed)
            #expect(
                listed.lowercased().contains(try #require(serial).lowercased()) && listed.contains("Cessation Of Operation"),
                "the public CRL at once: \(listed)")
        }
    }
}
