import Foundation
import OptralisTestSupport
import Testing

@Suite("optralis-agent executable")
struct AgentExecutableTests {
    /// An enrolment pointing at a gateway that does not answer: the agent runs and spools.
    static func enrolledDirectories() throws -> (config: String, state: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("agent-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        let port = try freePort()
        try #"""
        {"server_url": "http://127.0.0.1:\#(port)", "agent_api_url": "https://127.0.0.1:\#(port)", "client_id": "\#(UUID())",
         "machine_id": "\#(UUID())", "certificate_expires_at": "2030-01-01T00:00:00Z"}
        """#.write(toFile: root + "/etc/agent.json", atomically: true, encoding: .utf8)
        return (root + "/etc", root + "/state")
    }

    @Test func starts_answers_local_health_and_metrics_and_stops_on_sigterm() async throws {
        let (config, state) = try Self.enrolledDirectories()
        try await ServiceLifecycleCheck.run(
            binary: "optralis-agent", service: "agent", portVariable: "AGENT_STATUS_PORT",
            environment: ["LOG_LEVEL": "info", "OPTRALIS_CONFIG_DIR": config, "OPTRALIS_STATE_DIR": state], expectedChecks: [],
            requestMetric: "optralis_agent_status_requests_total")
    }

    /// The agent's footprint rests on linking FoundationEssentials only: one `import Foundation`
    /// in a module it links (OptralisCore, OptralisCurl) pulls in Foundation and ICU, 45 MB of
    /// binary and 7 MB of resident memory (docs/agent.md, "Footprint").
    @Test func links_no_full_foundation_and_no_icu() async throws {
        let binary = TestEnvironment.binaryDirectory.appendingPathComponent("optralis-agent").path
        let result = try await ChildProcess.run("/usr/bin/readelf", ["-d", binary])
        let needed = result.output.split(separator: "\n").filter { $0.contains("(NEEDED)") }
        #expect(result.status == 0 && needed.contains { $0.contains("libFoundationEssentials.so") }, "\(result.output.prefix(500))")
        #expect(
            !needed.contains { $0.contains("[libFoundation.so]") || $0.contains("FoundationInternationalization") || $0.contains("ICU") },
            "\(needed.joined(separator: "\n"))")
    }

    /// Install tokens are base64url: one in 64 starts with "-", which the argument parser took
    /// for an option (exit 64, a failed install and a flaky end-to-end test).
    @Test func install_takes_a_token_that_starts_with_a_dash() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("agent-\(UUID().uuidString)").path
        let result = try await ChildProcess.run(
            TestEnvironment.binaryDirectory.appendingPathComponent("optralis-agent").path,
            [
                "install", "--token", "-Zm9vYmFy-token", "--server", "http://127.0.0.1:\(try freePort())", "--config-dir", root + "/etc",
                "--state-dir", root + "/state", "--no-service",
            ],
            environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status != 64 && !result.output.contains("Missing value"), "the token was read as an option: \(result.output)")
        #expect(result.status != 0, "no server answers, so the install fails: \(result.output)")
        #expect(result.output.contains("--token shows the install token in ps"), "the old option still works, with a warning")
    }

    /// Issue 17, item 3: the token stays out of `ps` and shell history: `install` reads it from
    /// `OPTRALIS_INSTALL_TOKEN` or standard input, and says so when it has none.
    @Test func install_reads_the_token_from_the_environment_or_standard_input() async throws {
        let binary = TestEnvironment.binaryDirectory.appendingPathComponent("optralis-agent").path
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("agent-\(UUID().uuidString)").path
        let arguments = "install --server http://127.0.0.1:\(try freePort()) --config-dir \(root)/etc --state-dir \(root)/state --no-service"
        let fromEnvironment = try await ChildProcess.run(
            "/bin/sh", ["-c", "exec \(binary) \(arguments) </dev/null"], environment: ["PATH": "/usr/bin:/bin", "OPTRALIS_INSTALL_TOKEN": "-Zm9vYmFy-token"])
        let fromInput = try await ChildProcess.run(
            "/bin/sh", ["-c", "printf '%s\\n' '-Zm9vYmFy-token' | \(binary) \(arguments)"], environment: ["PATH": "/usr/bin:/bin"])
        for result in [fromEnvironment, fromInput] {
            #expect(result.status != 64 && !result.output.contains("no install token") && !result.output.contains("Missing"), "\(result.output)")
            #expect(result.status != 0, "no server answers, so the install fails after reading the token: \(result.output)")
            #expect(!result.output.contains("--token shows"), "no warning without --token")
        }
        let without = try await ChildProcess.run("/bin/sh", ["-c", "exec \(binary) \(arguments) </dev/null"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(without.status == 64 && without.output.contains("OPTRALIS_INSTALL_TOKEN"), "\(without.status) \(without.output)")
    }

    @Test func refuses_to_start_when_not_enrolled() async throws {
        let result = try await ChildProcess.run(
            TestEnvironment.binaryDirectory.appendingPathComponent("optralis-agent").path, ["run", "--config-dir", "/nonexistent/optralis"],
            environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 78 && result.output.contains("OPTRALIS_CONFIG_DIR") && result.output.contains("not enrolled"), "\(result.output)")
    }

    /// The agent process links FoundationEssentials only, where file attributes are not bridged
    /// as in this test process: the spool's size must be read the same way in both.
    @Test func status_reports_the_spool_size_on_disk() async throws {
        let (config, state) = try Self.enrolledDirectories()
        try FileManager.default.createDirectory(atPath: state + "/spool/metrics", withIntermediateDirectories: true)
        for (sequence, size) in [(1, 1_000), (2, 234)] {
            try Data(repeating: 0x20, count: size).write(
                to: URL(fileURLWithPath: state + "/spool/metrics/\(String(repeating: "0", count: 18))\(sequence).json"))
        }
        let result = try await ChildProcess.run(
            TestEnvironment.binaryDirectory.appendingPathComponent("optralis-agent").path, ["status", "--config-dir", config, "--state-dir", state])
        #expect(result.status == 0 && result.output.contains("spool:       2 posts waiting, 1234 bytes"), "\(result.output)")
    }

    @Test func collect_once_prints_every_collector_as_json() async throws {
        let result = try await ChildProcess.run(
            TestEnvironment.binaryDirectory.appendingPathComponent("optralis-agent").path, ["collect", "--once", "--json"], timeout: .seconds(120))
        #expect(result.status == 0, "\(result.output.suffix(500))")
        let json = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        #expect(
            Set(json?.keys.map { $0 } ?? []) == [
                "metrics", "storage", "storage_health", "network", "services", "security", "software", "patches", "events", "databases",
            ])
    }
}
