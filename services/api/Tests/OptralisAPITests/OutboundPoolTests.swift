import Foundation
import OptralisCurl
import OptralisTestSupport
import Testing

/// Issue 17, item 10: the AI proxy and the ca calls used to share eight outbound threads, so a
/// client's slow analyses held every one and enrolment waited up to two minutes behind them.
@Suite("Outbound pools: slow AI calls do not starve the ca")
struct OutboundPoolTests {
    @Test func the_ca_answers_while_the_ai_service_hangs_on_every_thread() async throws {
        let hungAI = try SilentListener()
        defer { hungAI.close() }
        try await APIHarness.runWithCA(environment: ["AI_SERVICE_URL": "http://127.0.0.1:\(hungAI.port)"]) { api, _ in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access

            // Concurrent connections of their own (the test client sends its requests one by one).
            let port = try #require(api.client.port)
            let curl = CurlClient(concurrency: 12)
            let analyses = Task {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<12 {
                        group.addTask {
                            _ = try? await curl.send(
                                OutboundRequest(
                                    url: "http://127.0.0.1:\(port)/api/ai/quota", headers: [("Authorization", "Bearer \(admin)")], timeout: .seconds(150)))
                        }
                    }
                }
            }
            try await Task.sleep(for: .seconds(2))

            // The installer embeds the CA certificate, read from the ca on each download.
            let clock = ContinuousClock()
            let start = clock.now
            let installer = try await api.send(.get, "/api/installer/linux/amd64", token: admin)
            let elapsed = clock.now - start
            #expect(installer.status == .ok, "\(installer.text.prefix(300))")
            #expect(elapsed < .seconds(8), "the ca call waited \(elapsed) behind the AI calls")

            hungAI.close()
            await analyses.value
            await curl.shutdown()
        }
    }
}
