import Foundation
import OptralisCurl
import OptralisRedis
import OptralisTestSupport
import Testing

@Suite("Agent mTLS port")
struct AgentGatewayTests {
    @Test func an_enrolled_agent_talks_over_mtls_and_its_revoked_certificate_is_refused() async throws {
        try await AgentTestBed.run { bed in
            let (api, curl, base, work, serverDirectory) = (bed.api, bed.curl, bed.base, bed.work, bed.serverDirectory)
            let agent = try await bed.enrol(hostname: "agent-01")
            let (client, admin, machine, agentTLS) = (agent.clientID, agent.adminToken, agent.machineID.uuidString, agent.tls)

            let config = try await curl.send(OutboundRequest(url: "\(base)/agent/config/collectors", tls: agentTLS))
            #expect(config.status == 200, "\(config.bodyText)")
            #expect(config.bodyText.contains(#""type":"metrics""#) && config.bodyText.contains(#""interval":21600"#))
            let ping = try await bed.get("/agent/ping", as: agent)
            #expect(ping.status == 200 && (ping.bodyJSON["machine_id"] as? String)?.lowercased() == machine.lowercased(), "\(ping.bodyText)")
            let noVersion = try await curl.send(OutboundRequest(url: "\(base)/agent/latest-version?platform=linux", tls: agentTLS))
            #expect(noVersion.status == 404 && noVersion.bodyText.contains(#""code":"NOT_FOUND""#), "\(noVersion.bodyText)")
            try await api.sql(
                """
                INSERT INTO agent_versions (version, channel, platform, architecture, download_url, checksum_sha256, file_size_bytes, is_active)
                VALUES ('2.0.0', 'stable', 'linux', 'amd64', 'https://dl.test/2.0.0', \(String(repeating: "b", count: 64)), 2000, true)
                """)
            try await api.expireCachedAgentVersions()
            let version = try await curl.send(OutboundRequest(url: "\(base)/agent/latest-version?platform=linux", tls: agentTLS))
            #expect(version.status == 200 && version.bodyText.contains(#""version":"2.0.0""#), "\(version.bodyText)")
            // A certificate from another CA is refused by TLS itself (openssl req cannot write the
            // 73-character CN, so a short one stands in: the chain check fails first anyway).
            let openssl = which("openssl") ?? "/usr/bin/openssl"
            let forged = try await ChildProcess.run(
                openssl,
                [
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                    "-subj", "/CN=forged-agent", "-keyout", work + "/forged.key", "-out", work + "/forged.crt",
                ])
            #expect(forged.status == 0, "\(forged.output)")
            await #expect(throws: CurlError.self, "a certificate from another CA, no connection") {
                try await curl.send(
                    OutboundRequest(
                        url: "\(base)/agent/config/collectors",
                        tls: TLSOptions(caFile: serverDirectory + "/ca.crt", clientCertificateFile: work + "/forged.crt", clientKeyFile: work + "/forged.key")))
            }
            // Signed by the real CA but expired (notAfter a day ago): refused by the chain check too.
            let csr = try await ChildProcess.run(
                openssl,
                [
                    "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=expired-agent",
                    "-keyout", work + "/expired.key", "-out", work + "/expired.csr",
                ])
            let signed = try await ChildProcess.run(
                openssl,
                [
                    "x509", "-req", "-in", work + "/expired.csr", "-CA", bed.caDirectory + "/ca.crt", "-CAkey", bed.caDirectory + "/ca.key",
                    "-days", "-1", "-out", work + "/expired.crt",
                ])
            #expect(csr.status == 0 && signed.status == 0, "\(csr.output) \(signed.output)")
            await #expect(throws: CurlError.self, "an expired certificate of our CA, no connection") {
                try await curl.send(
                    OutboundRequest(
                        url: "\(base)/agent/config/collectors",
                        tls: TLSOptions(caFile: serverDirectory + "/ca.crt", clientCertificateFile: work + "/expired.crt", clientKeyFile: work + "/expired.key")
                    ))
            }
            // Control: the same key and name with a current validity pass TLS, then the CN is refused.
            let current = try await ChildProcess.run(
                openssl,
                [
                    "x509", "-req", "-in", work + "/expired.csr", "-CA", bed.caDirectory + "/ca.crt", "-CAkey", bed.caDirectory + "/ca.key",
                    "-days", "1", "-out", work + "/current.crt",
                ])
            #expect(current.status == 0, "\(current.output)")
            let legacy = try await curl.send(
                OutboundRequest(
                    url: "\(base)/agent/config/collectors",
                    tls: TLSOptions(caFile: serverDirectory + "/ca.crt", clientCertificateFile: work + "/current.crt", clientKeyFile: work + "/expired.key")))
            #expect(legacy.status == 401 && legacy.bodyText.contains("CERTIFICATE_LEGACY"), "\(legacy.status) \(legacy.bodyText)")
            await #expect(throws: CurlError.self, "no client certificate, no connection") {
                try await curl.send(OutboundRequest(url: "\(base)/agent/config/collectors", tls: TLSOptions(caFile: serverDirectory + "/ca.crt")))
            }

            let channel = try await api.database.withClient { db in
                try await db.query(
                    "UPDATE machines SET offline_notified_at = now() - INTERVAL '10 minutes' WHERE id = \(UUID(uuidString: machine)!)", logger: testLogger)
                return try await db.query(
                    "INSERT INTO notification_channels (client_id, type, name, config) VALUES (\(client), 'email', 'Ops', '{\"emails\":[\"ops@acme.test\"]}') RETURNING id",
                    logger: testLogger
                ).decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
            }
            let beat = try await curl.send(OutboundRequest(method: .post, url: "\(base)/agent/heartbeat", tls: agentTLS))
            #expect(beat.status == 200, "\(beat.bodyText)")
            let state = try await api.database.withClient { db in
                try await db.query(
                    "SELECT offline_notified_at IS NULL, last_seen > now() - INTERVAL '1 minute', last_config_sync IS NOT NULL FROM machines WHERE id = \(UUID(uuidString: machine)!)",
                    logger: testLogger
                ).decode((Bool, Bool, Bool).self).reduce(into: [(Bool, Bool, Bool)]()) { $0.append($1) }.first
            }
            #expect(state.map { $0.0 && $0.1 && $0.2 } == true, "seen, back online, configuration synced")
            let queue = RedisClient(url: try RedisURL(parsing: bed.redisURL), maximumConnections: 1, logger: testLogger)
            let deliveries = try await queue.listRange(NotificationQueues.delivery)
            #expect(
                deliveries.count == 1 && deliveries.first?.contains("machine_online") == true
                    && deliveries.first?.lowercased().contains(channel.uuidString.lowercased()) == true)
            await queue.shutdown()

            let early = try await curl.send(OutboundRequest(method: .post, url: "\(base)/agent/certificate/renew", tls: agentTLS))
            #expect(early.status == 400 && early.bodyText.contains("RENEWAL_TOO_EARLY"))

            // A renewal supersedes the agent's certificate: it keeps working for 24 hours, then is refused.
            let root = try await api.login(try await api.seedUser(client: nil, role: "super_admin").email).access
            func backdateSupersession(hours: Int) async throws {
                try await api.sql(
                    """
                    UPDATE client_certificates SET revoked_at = now() - \(hours) * interval '1 hour', grace_until = now() + (24 - \(hours)) * interval '1 hour'
                    WHERE machine_id = \(UUID(uuidString: machine)!) AND revocation_reason = 'superseded'
                    """)
                #expect(try await api.send(.post, "/api/admin/certificates/refresh-cache", token: root).status == .ok)
            }
            #expect(try await api.send(.post, "/api/machines/\(machine)/certificate/renew", token: admin).status == .ok)
            let renewal = try await curl.send(OutboundRequest(method: .post, url: "\(base)/agent/certificate/renew", tls: agentTLS))
            #expect(renewal.status == 200, "an admin asked for it: \(renewal.bodyText)")
            #expect(try await curl.send(OutboundRequest(url: "\(base)/agent/config/collectors", tls: agentTLS)).status == 200, "superseded, in its grace")
            try await backdateSupersession(hours: 25)
            let expired = try await curl.send(OutboundRequest(url: "\(base)/agent/config/collectors", tls: agentTLS))
            #expect(expired.status == 403 && expired.bodyText.contains("CERTIFICATE_REVOKED"), "grace over: \(expired.bodyText)")
            try await backdateSupersession(hours: 23)

            // Revoking the machine's certificate ends the grace at once, cached "good" status included.
            #expect(try await curl.send(OutboundRequest(url: "\(base)/agent/config/collectors", tls: agentTLS)).status == 200)
            let revoke = try await api.send(.post, "/api/machines/\(machine)/certificate/revoke", token: admin, json: ["reason": "key_compromise"])
            #expect(revoke.status == .ok, "\(revoke.text)")
            let refused = try await curl.send(OutboundRequest(url: "\(base)/agent/config/collectors", tls: agentTLS))
            #expect(refused.status == 403 && refused.bodyText.contains("CERTIFICATE_REVOKED"), "\(refused.status) \(refused.bodyText)")
        }
    }
}
