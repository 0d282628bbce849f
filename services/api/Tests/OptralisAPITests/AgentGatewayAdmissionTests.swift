import Foundation
import NIOCore
import NIOPosix
import OptralisCurl
import OptralisTestSupport
import Testing

/// The agents' port under a reconnect storm: connections over `AGENT_TLS_HANDSHAKE_LIMIT` wait
/// for a place, those whose wait runs out or that find the queue full are closed and counted, and
/// the heartbeat's reply sizes the agents' reconnect window to the fleet. A gateway process of its own, so its `/metrics` counts only this test's connections.
@Suite("Agent gateway admission")
struct AgentGatewayAdmissionTests {
    @Test func handshakes_over_the_limit_wait_for_a_place_then_are_refused_and_counted_and_the_window_follows_the_fleet() async throws {
        try await AgentTestBed.run { bed in
            let agent = try await bed.enrol(hostname: "storm-01")
            let gatewayPort = try freePort(), healthPort = try freePort()
            let gateway = try ServiceProcess.launch(
                "optralis-api",
                environment: bed.gatewayEnvironment(
                    gatewayPort: gatewayPort, healthPort: healthPort,
                    ["AGENT_TLS_HANDSHAKE_LIMIT": "2", "AGENT_TLS_HANDSHAKE_WAIT_SECONDS": "6", "AGENT_RECONNECT_RATE": "1"]),
                port: healthPort)
            let http = CurlClient(concurrency: 4)
            defer {
                gateway.child.signal(SIGTERM)
                Task { await http.shutdown() }
            }
            try #require(await gateway.waitUntilServing(client: http) != nil, "\(gateway.child.output.suffix(1500))")
            let base = "https://127.0.0.1:\(gatewayPort)"
            // A connection of its own each time: a kept-alive one would skip the handshake.
            func ping() async -> Int? {
                var request = OutboundRequest(url: base + "/agent/ping", timeout: .seconds(10), tls: agent.tls)
                request.measuresFreshConnection = true
                return try? await http.send(request).status
            }
            func counter(_ name: String) async throws -> Int {
                let text = try await http.send(OutboundRequest(url: "http://127.0.0.1:\(healthPort)/metrics")).bodyText
                let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(name + " ") }, "\(text.prefix(3000))")
                return Int(Double(line.split(separator: " ").last ?? "") ?? -1)
            }
            func refused() async throws -> Int { try await counter("api_agent_connections_refused_total") }
            #expect(await eventually(timeout: .seconds(20)) { await ping() == 200 }, "\(gateway.child.output.suffix(1500))")
            #expect(try await refused() == 0)
            #expect(try await counter("api_agent_handshakes_failed_total") == 0, "a completed handshake did not fail")

            // The window: every enrolled machine of the database over 1 agent per second.
            let machines = try await bed.count("SELECT count(*)::int FROM machines")
            let beat = try await http.send(
                OutboundRequest(
                    method: .post, url: base + "/agent/heartbeat", headers: [("Content-Type", "application/json")], body: Array("{}".utf8), tls: agent.tls))
            let window = (try JSONSerialization.jsonObject(with: Data(beat.body)) as? [String: Any])?["reconnect_window_seconds"] as? Int
            #expect(beat.status == 200 && window == min(max(machines, 1), 120), "\(machines) machines: \(beat.bodyText)")

            // Two connections that never start their handshake hold both places.
            let group = MultiThreadedEventLoopGroup.singleton
            func connect() async throws -> any Channel { try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: gatewayPort).get() }
            // The gate's gauges say when the gateway has seen each connection: the event loops
            // that accept them run in no set order.
            func settled(_ name: String, at value: Int) async -> Bool {
                await eventually(timeout: .seconds(10)) { (try? await counter(name)) == value }
            }
            var holders = try await (0..<2).asyncMap { _ in try await connect() }
            #expect(await settled("api_agent_handshakes_in_progress", at: 2))
            #expect(holders.allSatisfy { $0.isActive }, "below the limit a connection stays open")

            // A real agent over the limit waits, unread, and is served once a holder leaves.
            async let waitingPing = ping()
            #expect(await settled("api_agent_connections_waiting", at: 1))
            #expect(try await counter("api_agent_connections_waited_total") == 1)
            try await holders.removeFirst().close()
            #expect(await waitingPing == 200, "the waiting agent got the freed place")
            #expect(try await refused() == 0)
            // The holder that left had a place and never finished its handshake.
            #expect(await settled("api_agent_handshakes_failed_total", at: 1))

            // Both places held again: a connection whose wait runs out (6 s here) is closed, counted.
            holders.append(try await connect())
            #expect(await settled("api_agent_handshakes_in_progress", at: 2))
            let late = try await connect()
            var start = ContinuousClock.now
            try await late.closeFuture.get()
            let waited = ContinuousClock.now - start
            #expect(waited > .seconds(5) && waited < .seconds(15), "closed after \(waited)")
            #expect(try await refused() == 1)

            // The queue full (8 × the limit): the next connection is closed at once.
            let queued = try await (0..<16).asyncMap { _ in try await connect() }
            #expect(await settled("api_agent_connections_waiting", at: 16))
            let over = try await connect()
            start = ContinuousClock.now
            try await over.closeFuture.get()
            #expect(ContinuousClock.now - start < .seconds(2), "closed after \(ContinuousClock.now - start)")
            #expect(try await refused() == 2)

            // Places freed, agents get in again; an admitted handshake is not counted.
            for channel in holders + queued { try? await channel.close() }
            #expect(await eventually(timeout: .seconds(10)) { await ping() == 200 })
            let refusedThen = try await refused()
            #expect(await ping() == 200)
            #expect(try await refused() == refusedThen)
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
