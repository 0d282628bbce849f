import Foundation
import NIOCore
import NIOPosix
import OptralisCurl
import OptralisTestSupport
import Testing

/// The agents' port under a reconnect storm: handshakes over `AGENT_TLS_HANDSHAKE_LIMIT` are
/// refused at once and counted, and the heartbeat's reply sizes the agents' reconnect window to
/// the fleet. A gateway process of its own, so its `/metrics` counts only this test's connections.
@Suite("Agent gateway admission")
struct AgentGatewayAdmissionTests {
    @Test func handshakes_over_the_limit_are_refused_at_once_and_counted_and_the_window_follows_the_fleet() async throws {
        try await AgentTestBed.run { bed in
            let agent = try await bed.enrol(hostname: "storm-01")
            let gatewayPort = try freePort(), healthPort = try freePort()
            let gateway = try ServiceProcess.launch(
                "optralis-api",
                environment: [
                    "DATABASE_URL": bed.api.database.url.urlString, "REDIS_URL": bed.redisURL, "PORT": String(healthPort), "LOG_LEVEL": "warning",
                    "JWT_SECRET": String(repeating: "j", count: 40), "DATABASE_CREDENTIALS_KEY": String(repeating: "5e", count: 32),
                    "INTERNAL_SERVICE_TOKEN": String(repeating: "i", count: 40),
                    "AGENT_TLS_PORT": String(gatewayPort), "AGENT_TLS_CERT_FILE": bed.serverDirectory + "/server.crt",
                    "AGENT_TLS_KEY_FILE": bed.serverDirectory + "/server.key", "AGENT_TLS_CA_FILE": bed.serverDirectory + "/ca.crt",
                    "AGENT_TLS_HANDSHAKE_LIMIT": "2", "AGENT_RECONNECT_RATE": "1",
                ], port: healthPort)
            let http = CurlClient(concurrency: 4)
            defer {
                gateway.child.signal(SIGTERM)
                Task { await http.shutdown() }
            }
            try #require(await gateway.waitUntilServing(client: http) != nil, "\(gateway.child.output.suffix(1500))")
            let base = "https://127.0.0.1:\(gatewayPort)"
            func ping() async -> Int? { try? await http.send(OutboundRequest(url: base + "/agent/ping", timeout: .seconds(5), tls: agent.tls)).status }
            func refused() async throws -> Int {
                let text = try await http.send(OutboundRequest(url: "http://127.0.0.1:\(healthPort)/metrics")).bodyText
                let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("api_agent_connections_refused_total ") }, "\(text.prefix(3000))")
                return Int(Double(line.split(separator: " ").last ?? "") ?? -1)
            }
            #expect(await eventually(timeout: .seconds(20)) { await ping() == 200 }, "\(gateway.child.output.suffix(1500))")
            #expect(try await refused() == 0)

            // The window: every enrolled machine of the database over 1 agent per second.
            let machines = try await bed.count("SELECT count(*)::int FROM machines")
            let beat = try await http.send(
                OutboundRequest(
                    method: .post, url: base + "/agent/heartbeat", headers: [("Content-Type", "application/json")], body: Array("{}".utf8), tls: agent.tls))
            let window = (try JSONSerialization.jsonObject(with: Data(beat.body)) as? [String: Any])?["reconnect_window_seconds"] as? Int
            #expect(beat.status == 200 && window == min(max(machines, 1), 120), "\(machines) machines: \(beat.bodyText)")

            // Two connections that never start their handshake hold both places.
            let group = MultiThreadedEventLoopGroup.singleton
            let silent = try await (0..<2).asyncMap { _ in try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: gatewayPort).get() }
            try await Task.sleep(for: .milliseconds(300))
            let open = silent.allSatisfy { $0.isActive }
            #expect(open, "below the limit a connection stays open")
            // The next one is closed at once, long before the 10 s handshake timeout, and a real
            // agent's handshake fails the same way (it retries within its reconnect window).
            let third = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: gatewayPort).get()
            let start = ContinuousClock.now
            try await third.closeFuture.get()
            #expect(ContinuousClock.now - start < .seconds(2), "closed after \(ContinuousClock.now - start)")
            await #expect(throws: CurlError.self) {
                try await http.send(OutboundRequest(url: base + "/agent/ping", timeout: .seconds(5), tls: agent.tls))
            }
            #expect(try await refused() >= 2)

            // Places freed, agents get in again.
            for channel in silent { try await channel.close() }
            #expect(await eventually(timeout: .seconds(10)) { await ping() == 200 })
            let refusedThen = try await refused()
            #expect(await ping() == 200)
            #expect(try await refused() == refusedThen, "an admitted handshake is not counted")
        }
    }
}

extension Sequence {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
