import Foundation
import OptralisCurl
import OptralisTestSupport
import PostgresNIO
import Testing

/// The gateway process stopped under a running agent: the agent keeps running and spools, and
/// once a new gateway process listens again it is back within seconds (its retries capped by the
/// reconnect window, 1 s for this one-machine fleet, not the 30 s backoff cap) and every spooled
/// post arrives exactly once.
@Suite("Agent through a gateway outage")
struct AgentGatewayOutageTests {
    @Test func the_gateway_stops_and_restarts_under_a_running_agent_and_every_post_arrives_once() async throws {
        try await AgentTestBed.runWithAgent { bed, installed in
            let state = installed.state, machine = installed.machine

            // A gateway of its own (the bed's database, Redis and certificates) that can be stopped.
            let gatewayPort = try freePort(), healthPort = try freePort()
            let environment = [
                "DATABASE_URL": bed.api.database.url.urlString, "REDIS_URL": bed.redisURL, "PORT": String(healthPort), "LOG_LEVEL": "info",
                "JWT_SECRET": String(repeating: "j", count: 40), "DATABASE_CREDENTIALS_KEY": String(repeating: "5e", count: 32),
                "INTERNAL_SERVICE_TOKEN": String(repeating: "i", count: 40),
                "AGENT_TLS_PORT": String(gatewayPort), "AGENT_PUBLIC_URL": "https://127.0.0.1:\(gatewayPort)",
                "AGENT_TLS_CERT_FILE": bed.serverDirectory + "/server.crt", "AGENT_TLS_KEY_FILE": bed.serverDirectory + "/server.key",
                "AGENT_TLS_CA_FILE": bed.serverDirectory + "/ca.crt",
            ]
            let http = CurlClient(concurrency: 1)
            defer { Task { await http.shutdown() } }
            func startGateway() async throws -> ServiceProcess {
                let gateway = try ServiceProcess.launch("optralis-api", environment: environment, port: healthPort)
                try #require(await gateway.waitUntilServing(client: http) != nil, "\(gateway.child.output.suffix(1500))")
                return gateway
            }
            var gateway = try await startGateway()
            try bed.redirect(installed, to: "https://127.0.0.1:\(gatewayPort)")
            let running = try installed.run()
            func rows() async -> Int {
                (try? await bed.count("SELECT count(*)::int FROM metrics WHERE machine_id = \(machine) AND cpu_percent IS NOT NULL")) ?? -1
            }
            func waiting() -> Int {
                ((try? FileManager.default.contentsOfDirectory(atPath: state + "/spool/metrics")) ?? []).filter { $0.hasSuffix(".json") }.count
            }
            #expect(await eventually(timeout: .seconds(40)) { await rows() >= 1 }, "\(running.output.suffix(1500))")

            // The gateway goes away; the agent keeps collecting into its spool.
            gateway.child.signal(SIGTERM)
            #expect(await gateway.child.waitForExit(timeout: .seconds(15)) != nil)
            let beforeOutage = await rows()
            #expect(await eventually(timeout: .seconds(60)) { waiting() >= 2 }, "\(running.output.suffix(1500))")
            #expect(running.isRunning && running.output.contains("gateway unavailable, posts kept in the spool"), "\(running.output.suffix(1500))")
            let spooled = waiting()

            // A new gateway process on the same port: the agent is back within seconds, and the
            // spool drains, in order, once.
            gateway = try await startGateway()
            let ready = ContinuousClock.now
            let back = await eventually(timeout: .seconds(60)) { await rows() > beforeOutage }
            let after = ContinuousClock.now - ready
            #expect(back && after < .seconds(8), "first post \(after) after the gateway was ready:\n\(running.output.suffix(1500))")
            let drained = await eventually(timeout: .seconds(120)) {
                let stored = await rows()
                return waiting() == 0 && stored >= beforeOutage + spooled
            }
            let afterwards = await rows()
            #expect(drained, "rows \(afterwards), waiting \(waiting()):\n\(running.output.suffix(1500))")
            running.signal(SIGTERM)
            #expect(await running.waitForExit(timeout: .seconds(15)) == 0, "\(running.output.suffix(1500))")
            gateway.child.signal(SIGTERM)
            _ = await gateway.child.waitForExit(timeout: .seconds(15))

            // Exactly once: one row per sequence the gateway accepted (a replay would add none, a
            // loss would leave a gap below the last sequence).
            let stored = await rows()
            let sequence = try await bed.count("SELECT last_sequence::int FROM agent_collect_sequences WHERE machine_id = \(machine) AND kind = 'metrics'")
            #expect(stored == sequence, "rows \(stored), last sequence \(sequence), left \(waiting())")
        }
    }
}
