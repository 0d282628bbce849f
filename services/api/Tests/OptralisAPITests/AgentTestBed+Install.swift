import Foundation
import OptralisTestSupport
import Testing

extension AgentTestBed {
    /// A machine enrolled by the real `optralis-agent install` (a new client's token, the bed's
    /// api): its identity in `work/etc`, its state in `work/state`.
    struct InstalledAgent: Sendable {
        let binary: String
        let config: String
        let state: String
        let machine: UUID
        /// `agent.json` as written.
        let enrolment: String
        let output: String

        /// `optralis-agent run` with these directories.
        func run(environment: [String: String] = [:]) throws -> ChildProcess {
            try ChildProcess(
                executable: binary, arguments: ["run", "--config-dir", config, "--state-dir", state],
                environment: ["AGENT_STATUS_PORT": String(try freePort()), "LOG_LEVEL": "info", "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"]
                    .merging(environment) { $1 })
        }
    }

    /// ``run(_:)`` with an agent installed from the built binary.
    static func runWithAgent(_ body: @Sendable (AgentTestBed, InstalledAgent) async throws -> Void) async throws {
        try await run { bed in try await body(bed, try await bed.installAgent()) }
    }

    static var agentBinary: String { TestEnvironment.binaryDirectory.appendingPathComponent("optralis-agent").path }

    func installAgent(binary: String = AgentTestBed.agentBinary) async throws -> InstalledAgent {
        let token = try await installToken()
        let config = work + "/etc", state = work + "/state"
        let server = "http://127.0.0.1:\(try #require(api.client.port))"
        let installed = try await ChildProcess.run(
            binary, ["install", "--server", server, "--config-dir", config, "--state-dir", state, "--no-service"],
            environment: ProcessInfo.processInfo.environment.merging(["OPTRALIS_INSTALL_TOKEN": token]) { $1 })
        try #require(installed.status == 0, "\(installed.output)")
        let enrolment = try String(contentsOfFile: config + "/agent.json", encoding: .utf8)
        let machine = try #require(enrolment.firstMatch(of: /"machine_id" : "([0-9A-Fa-f-]{36})"/).flatMap { UUID(uuidString: String($0.1)) }, "\(enrolment)")
        return InstalledAgent(binary: binary, config: config, state: state, machine: machine, enrolment: enrolment, output: installed.output)
    }

    /// Points the installed agent at `url` instead of the bed's agent port.
    func redirect(_ agent: InstalledAgent, to url: String) throws {
        try agent.enrolment.replacingOccurrences(of: base, with: url).write(toFile: agent.config + "/agent.json", atomically: true, encoding: .utf8)
    }
}
