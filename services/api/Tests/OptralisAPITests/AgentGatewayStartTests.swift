import Foundation
import NIOCore
import NIOPosix
import OptralisPostgres
import OptralisTestSupport
import Testing

/// The agents' port listens only once the api's start steps are done, as the public port does:
/// during an upgrade's migration, agents find the port closed and retry, rather than posting
/// against the old schema.
@Suite("Agent gateway start")
struct AgentGatewayStartTests {
    @Test func the_agents_port_listens_only_once_the_migrations_are_applied() async throws {
        try await AgentTestBed.run { bed in
            // The project's migrations and one more that takes two seconds.
            let migrations = bed.work + "/migrations"
            try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
            let project = try #require(Migration.defaultDirectory(environment: [:]))
            for name in try FileManager.default.contentsOfDirectory(atPath: project) where name.hasSuffix(".sql") {
                try FileManager.default.copyItem(atPath: project + "/" + name, toPath: migrations + "/" + name)
            }
            try "SELECT pg_sleep(2);\n".write(toFile: migrations + "/9999_slow_start.sql", atomically: true, encoding: .utf8)

            let gatewayPort = try freePort(), healthPort = try freePort()
            let gateway = try ServiceProcess.launch(
                "optralis-api",
                environment: bed.gatewayEnvironment(gatewayPort: gatewayPort, healthPort: healthPort, ["OPTRALIS_MIGRATIONS_DIR": migrations]),
                port: healthPort)

            // The first connection the agents' port accepts finds the slow migration recorded.
            var accepted = false
            for _ in 0..<1_500 where !accepted {
                if let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: gatewayPort).get() {
                    try? await channel.close()
                    accepted = true
                } else {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            #expect(accepted, "\(gateway.child.output.suffix(1500))")
            #expect(try await bed.count("SELECT count(*)::int FROM schema_migrations WHERE version = 9999") == 1, "the port opened before the migration ended")
            gateway.child.signal(SIGTERM)
            if await gateway.child.waitForExit(timeout: .seconds(10)) == nil { gateway.child.signal(SIGKILL) }
        }
    }
}
