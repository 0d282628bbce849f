import Foundation
import OptralisCurl
import OptralisTestSupport
import PostgresNIO
import Testing

/// An agent whose certificate expires within 30 days renews it through
/// `POST /agent/certificate/renew`, writes the new files atomically and goes on posting with the
/// new certificate once the old one is refused.
@Suite("Agent certificate renewal")
struct AgentRenewalTests {
    @Test func a_certificate_expiring_within_30_days_is_renewed_written_atomically_and_used() async throws {
        try await AgentTestBed.runWithAgent { bed, installed in
            let config = installed.config, machine = installed.machine
            let openssl = which("openssl") ?? "/usr/bin/openssl"

            // The same identity (CN, key, serial) re-signed by the test CA for 10 days.
            let serial = try await ChildProcess.run(openssl, ["x509", "-in", config + "/agent.crt", "-noout", "-serial"]).output
                .trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "serial=", with: "")
            let request = try await ChildProcess.run(
                openssl,
                [
                    "x509", "-x509toreq", "-in", config + "/agent.crt", "-signkey", config + "/agent.key", "-out", bed.work + "/short.csr",
                ])
            let signed = try await ChildProcess.run(
                openssl,
                [
                    "x509", "-req", "-in", bed.work + "/short.csr", "-CA", bed.caDirectory + "/ca.crt", "-CAkey", bed.caDirectory + "/ca.key",
                    "-set_serial", "0x" + serial, "-days", "10", "-out", config + "/agent.crt",
                ])
            try #require(request.status == 0 && signed.status == 0, "\(request.output) \(signed.output)")
            let shortLived = try Data(contentsOf: URL(fileURLWithPath: config + "/agent.crt"))
            let tenDays = Date().addingTimeInterval(10 * 86_400).formatted(.iso8601)
            try installed.enrolment.replacingOccurrences(
                of: #""certificate_expires_at" : "[^"]*""#, with: #""certificate_expires_at" : "\#(tenDays)""#, options: .regularExpression
            ).write(toFile: config + "/agent.json", atomically: true, encoding: .utf8)
            let oldTLS = TLSOptions(caFile: config + "/ca.crt", clientCertificateFile: bed.work + "/old.crt", clientKeyFile: bed.work + "/old.key")
            try shortLived.write(to: URL(fileURLWithPath: bed.work + "/old.crt"))
            try FileManager.default.copyItem(atPath: config + "/agent.key", toPath: bed.work + "/old.key")
            let accepted = try await bed.curl.send(OutboundRequest(url: bed.base + "/agent/config/collectors", tls: oldTLS))
            try #require(accepted.status == 200, "the re-signed certificate is one the gateway knows: \(accepted.bodyText)")

            let running = try installed.run()
            let renewed = await eventually(timeout: .seconds(30)) { running.output.contains("certificate renewed") }
            #expect(renewed, "\(running.output.suffix(1500))")

            // New files, each whole (rename over the old one), mode 0600, no temporary file left.
            let certificate = try Data(contentsOf: URL(fileURLWithPath: config + "/agent.crt"))
            #expect(certificate != shortLived)
            let end = try await ChildProcess.run(openssl, ["x509", "-in", config + "/agent.crt", "-noout", "-checkend", String(300 * 86_400)])
            #expect(end.status == 0, "valid for more than 300 days: \(end.output)")
            let pair = try await ChildProcess.run(openssl, ["x509", "-in", config + "/agent.crt", "-noout", "-pubkey"]).output
            let key = try await ChildProcess.run(openssl, ["pkey", "-in", config + "/agent.key", "-pubout"]).output
            #expect(pair == key, "the new key matches the new certificate")
            for file in ["agent.json", "agent.crt", "agent.key", "ca.crt"] {
                #expect(try FileManager.default.attributesOfItem(atPath: "\(config)/\(file)")[.posixPermissions] as? Int == 0o600, "\(file)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: config).allSatisfy { !$0.hasPrefix(".") })
            let enrolment = try String(contentsOfFile: config + "/agent.json", encoding: .utf8)
            #expect(!enrolment.contains(tenDays), "agent.json has the new expiry")

            // The old certificate past its 24 h grace: refused, and the agent still posts.
            try await bed.api.sql(
                """
                UPDATE client_certificates SET revoked_at = now() - interval '25 hours', grace_until = now() - interval '1 hour'
                WHERE machine_id = \(machine) AND revocation_reason = 'superseded'
                """)
            let root = try await bed.api.login(try await bed.api.seedUser(client: nil, role: "super_admin").email).access
            #expect(try await bed.api.send(.post, "/api/admin/certificates/refresh-cache", token: root).status == .ok)
            let refused = try await bed.curl.send(OutboundRequest(url: bed.base + "/agent/config/collectors", tls: oldTLS))
            #expect(refused.status != 200, "the old certificate is refused now")
            func rows() async -> Int {
                (try? await bed.count("SELECT count(*)::int FROM metrics WHERE machine_id = \(machine)")) ?? -1
            }
            let before = await rows()
            #expect(await eventually(timeout: .seconds(40)) { await rows() >= before + 2 }, "\(running.output.suffix(1500))")
            running.signal(SIGTERM)
            #expect(await running.waitForExit(timeout: .seconds(15)) == 0)
        }
    }

    /// Issue 17, item 6: an admin's renewal is the agent's own. The request waits for the next
    /// heartbeat, whose reply tells the agent to renew; the new key is made for the agent and
    /// written by it, as in a renewal before expiry.
    @Test func an_admin_renewal_request_reaches_the_running_agent_at_its_next_heartbeat() async throws {
        try await AgentTestBed.runWithAgent { bed, installed in
            let config = installed.config, machine = installed.machine
            let before = try Data(contentsOf: URL(fileURLWithPath: config + "/agent.crt"))
            let client = try #require(
                try await bed.api.database.withClient { db in
                    try await db.query("SELECT client_id FROM machines WHERE id = \(machine)", logger: testLogger).decode(UUID.self)
                        .reduce(into: [UUID]()) { $0.append($1) }.first
                })
            let admin = try await bed.api.login(try await bed.api.seedUser(client: client, role: "admin").email).access
            let requested = try await bed.api.send(.post, "/api/machines/\(machine)/certificate/renew", token: admin)
            #expect(requested.status == .ok, "\(requested.text)")

            let running = try installed.run()
            let renewed = await eventually(timeout: .seconds(30)) { running.output.contains("certificate renewed") }
            #expect(renewed, "\(running.output.suffix(1500))")
            #expect(running.output.contains("requested by an administrator"), "\(running.output.suffix(1500))")
            #expect(try Data(contentsOf: URL(fileURLWithPath: config + "/agent.crt")) != before)
            #expect(try await bed.count("SELECT count(*)::int FROM machines WHERE id = \(machine) AND cert_renewal_requested_at IS NULL") == 1, "answered")
            #expect(
                try await bed.count("SELECT count(*)::int FROM client_certificates WHERE machine_id = \(machine)") == 2, "the enrolment's and the renewal's")
            // The agent goes on posting with its new certificate.
            func rows() async -> Int {
                (try? await bed.count("SELECT count(*)::int FROM metrics WHERE machine_id = \(machine)")) ?? -1
            }
            let posted = await rows()
            #expect(await eventually(timeout: .seconds(40)) { await rows() > posted }, "\(running.output.suffix(1500))")
            running.signal(SIGTERM)
            #expect(await running.waitForExit(timeout: .seconds(15)) == 0)
        }
    }
}
