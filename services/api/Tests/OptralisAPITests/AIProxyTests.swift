import Foundation
import HTTPTypes
import OptralisCurl
import OptralisTestSupport
import Testing

@Suite("/api/ai/*: the real AI service behind the api, with the client taken from the token")
struct AIProxyTests {
    @Test func users_reach_the_ai_service_as_their_own_client_and_its_answers_come_back_unchanged() async throws {
        let aiPort = try freePort()
        try await APIHarness.run(environment: ["AI_SERVICE_URL": "http://127.0.0.1:\(aiPort)"]) { api in
            let curl = CurlClient(concurrency: 1)
            let ai = try ServiceProcess.launch(
                "optralis-ai",
                environment: [
                    "DATABASE_URL": api.database.url.urlString, "REDIS_URL": api.redisURL, "INTERNAL_SERVICE_TOKEN": String(repeating: "i", count: 40),
                    "AI_PORT": String(aiPort), "LOG_LEVEL": "warning",
                ],
                port: aiPort)
            #expect(await ai.waitUntilServing(client: curl) != nil, "optralis-ai did not start: \(ai.child.output.suffix(500))")

            let client = try await api.seedClient()
            let other = try await api.seedClient()
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let (machine, theirs) = try await api.database.withClient { db in
                let machine = try await db.query("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'srv-01') RETURNING id", logger: testLogger)
                    .decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                let theirs = try await db.query("INSERT INTO machines (client_id, hostname) VALUES (\(other), 'srv-99') RETURNING id", logger: testLogger)
                    .decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                try await db.query(
                    """
                    INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent)
                    SELECT \(machine), t, 30, 50 FROM generate_series(now() - interval '2 days', now() - interval '1 minute', interval '5 minutes') t
                    """, logger: testLogger)
                return (machine, theirs)
            }

            // A forged X-Client-ID is ignored: the quota is the token's client's.
            var forged = HTTPFields()
            forged[HTTPField.Name("X-Client-ID")!] = other.uuidString
            let quota = try await api.send(.get, "/api/ai/quota", token: observer, headers: forged)
            #expect(quota.status == .ok && quota.string("client_id")?.lowercased() == client.uuidString.lowercased(), "\(quota.text)")

            let scored = try await api.send(.post, "/api/ai/health-score", token: observer, json: ["machine_id": machine.uuidString])
            #expect(scored.status == .ok && scored.json["overall_score"] is Int, "an observer may run an analysis: \(scored.text)")
            #expect((scored.json["narrative"] as? [String: Any])?["reason"] as? String == "AI_NOT_CONFIGURED", "no key: statistics only")
            let cooling = try await api.send(.post, "/api/ai/health-score", token: observer, json: ["machine_id": machine.uuidString])
            #expect(cooling.status == .tooManyRequests && (cooling.json["remaining_secs"] as? Int ?? 0) > 0, "the AI service's 429 comes back: \(cooling.text)")
            let foreign = try await api.send(.post, "/api/ai/health-score", token: observer, json: ["machine_id": theirs.uuidString])
            #expect(foreign.status == .notFound, "another client's machine: \(foreign.text)")
            let logs = try await api.send(.post, "/api/ai/analyze/logs", token: observer, json: ["machine_id": machine.uuidString])
            #expect(logs.status == .ok && logs.json["analysis_type"] as? String == "logs", "\(logs.text)")
            let licence = try await api.send(.post, "/api/ai/predictive/maintenance", token: observer, json: ["machine_id": machine.uuidString])
            #expect(licence.status == .forbidden && licence.json["code"] as? String == "PREMIUM_REQUIRED", "the AI service's licence gate: \(licence.text)")

            // Reports: observers read, admins generate; the HTML comes back as a download.
            try await api.sql("UPDATE clients SET license_type = 'essentials' WHERE id = \(client)")
            let reportAdmin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            #expect(try await api.send(.post, "/api/ai/reports/generate", token: observer, json: ["report_type": "daily"]).status == .forbidden)
            let made = try await api.send(.post, "/api/ai/reports/generate", token: reportAdmin, json: ["report_type": "daily", "language": "en"])
            let reportID = try #require((made.json["report"] as? [String: Any])?["id"] as? String, "\(made.text)")
            let page = try await api.send(.get, "/api/ai/reports/\(reportID)/download", token: observer)
            #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8" && page.text.contains("Daily report"))
            #expect(page.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect((try await api.send(.get, "/api/ai/reports", token: observer).json["reports"] as? [Any])?.count == 1)

            let root = try await api.login(try await api.seedUser(client: nil, role: "super_admin").email).access
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            #expect(
                try await api.send(.post, "/api/ai/quota/set", token: admin, json: ["client_id": client.uuidString, "monthly_limit": 9999]).status == .forbidden
            )
            let set = try await api.send(.post, "/api/ai/quota/set", token: root, json: ["client_id": client.uuidString, "monthly_limit": 777])
            #expect(set.status == .ok, "\(set.text)")
            #expect(try await api.send(.get, "/api/ai/quota", token: observer).text.contains("777"))
            let setBy = try await api.database.withClient { db in
                try await db.query("SELECT set_by FROM ai_quotas WHERE client_id = \(client)", logger: testLogger).decode(UUID?.self).reduce(into: UUID?.none) {
                    $0 = $1
                }
            }
            #expect(setBy != nil, "the api names the super_admin who set it")

            ai.child.signal(SIGTERM)
            _ = await ai.child.waitForExit(timeout: .seconds(10))
            let down = try await api.send(.get, "/api/ai/quota", token: observer)
            #expect(down.status == .serviceUnavailable && down.code == "AI_UNAVAILABLE", "\(down.text)")
            await curl.shutdown()
        }
    }
}
