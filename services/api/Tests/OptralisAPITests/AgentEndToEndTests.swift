import Foundation
import OptralisTestSupport
import PostgresNIO
import Testing

/// The real `optralis-agent` against the real gateway: enrolment with a token, posts of every
/// collector, a gateway it cannot reach (posts wait in the spool across a restart of the agent),
/// then delivery of every spooled post exactly once.
@Suite("Agent end to end")
struct AgentEndToEndTests {
    @Test func install_spool_through_an_outage_then_deliver_everything_once() async throws {
        try await AgentTestBed.runWithAgent { bed, installed in
            let agent = installed.binary, config = installed.config, state = installed.state, machine = installed.machine
            #expect(installed.output.contains("Enrolled as machine"), "\(installed.output)")
            for file in ["agent.json", "agent.crt", "agent.key", "ca.crt"] {
                let mode = try FileManager.default.attributesOfItem(atPath: "\(config)/\(file)")[.posixPermissions] as? Int
                #expect(mode == 0o600, "\(file)")
            }

            // The gateway out of reach: the agent collects into its spool.
            try bed.redirect(installed, to: "https://127.0.0.1:\(try freePort())")
            let offline = try installed.run()
            let spooled = await eventually(timeout: .seconds(40)) {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: state + "/spool/metrics")) ?? []
                let software = (try? FileManager.default.contentsOfDirectory(atPath: state + "/spool/software")) ?? []
                return files.count >= 2 && !software.isEmpty
            }
            #expect(spooled, "\(offline.output.suffix(800))")
            offline.signal(SIGTERM)
            #expect(await offline.waitForExit(timeout: .seconds(10)) == 0)
            let waiting = ((try? FileManager.default.contentsOfDirectory(atPath: state + "/spool/metrics")) ?? []).filter { $0.hasSuffix(".json") }.count
            #expect(try await bed.count("SELECT count(*)::int FROM metrics WHERE machine_id = \(machine)") == 0)

            // Back in reach: everything spooled arrives, in order, once; then live posts follow.
            try installed.enrolment.write(toFile: config + "/agent.json", atomically: true, encoding: .utf8)
            let online = try installed.run()
            let delivered = await eventually(timeout: .seconds(60)) {
                let kinds = (try? await bed.count("SELECT count(DISTINCT collector)::int FROM machine_collector_data WHERE machine_id = \(machine)")) ?? 0
                let metrics = (try? await bed.count("SELECT count(*)::int FROM metrics WHERE machine_id = \(machine) AND cpu_percent IS NOT NULL")) ?? 0
                return kinds == 7 && metrics > waiting
            }
            #expect(delivered, "\(online.output.suffix(1500))")
            let beat = try await bed.count(
                "SELECT count(*)::int FROM machines WHERE id = \(machine) AND last_seen > now() - interval '1 minute' AND os = 'linux'")
            #expect(beat == 1, "heartbeats arrive")
            online.signal(SIGTERM)
            let exit = await online.waitForExit(timeout: .seconds(15))
            #expect(exit == 0, "exit \(String(describing: exit)): \(online.output.suffix(1500))")
            // Exactly once: one metrics row per sequence the gateway accepted.
            let rows = try await bed.count("SELECT count(*)::int FROM metrics WHERE machine_id = \(machine) AND cpu_percent IS NOT NULL")
            let sequence = try await bed.count("SELECT last_sequence::int FROM agent_collect_sequences WHERE machine_id = \(machine) AND kind = 'metrics'")
            let left = ((try? FileManager.default.contentsOfDirectory(atPath: state + "/spool/metrics")) ?? []).filter { $0.hasSuffix(".json") }.count
            #expect(rows == sequence && rows + left >= waiting + 1, "rows \(rows), last sequence \(sequence), left \(left), spooled \(waiting)")

            let status = try await ChildProcess.run(agent, ["status", "--config-dir", config, "--state-dir", state])
            #expect(status.status == 0 && status.output.contains(machine.uuidString.lowercased()) && status.output.contains("last post:"), "\(status.output)")
        }
    }
}
