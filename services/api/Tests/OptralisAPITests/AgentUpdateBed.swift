import Crypto
import Foundation
import OptralisTestSupport
import OptralisUpdateSigning
import Testing

/// An agent enrolled by the real `optralis-agent install`, running from a copy of the built
/// binary (which an update replaces), and a folder of "new versions" served over real HTTP by
/// python's http.server. A new version is the same program with bytes appended (an ELF file
/// runs the same); it is offered through `agent_versions` like any published build, and signed
/// with the real `optralis-ca` commands.
struct AgentUpdateBed: Sendable {
    let bed: AgentTestBed
    let agent: AgentTestBed.InstalledAgent
    let binary: String
    let downloads: String
    let httpPort: Int

    /// The architecture the agent was built for (what it reports and what a release is signed for).
    static let architecture = AgentRelease.builtArchitecture

    static var caBinary: String { TestEnvironment.binaryDirectory.appendingPathComponent("optralis-ca").path }

    static func run(_ body: @Sendable (AgentUpdateBed) async throws -> Void) async throws {
        try await AgentTestBed.run { bed in
            let binary = bed.work + "/bin/optralis-agent"
            try FileManager.default.createDirectory(atPath: bed.work + "/bin", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: AgentTestBed.agentBinary, toPath: binary)
            let agent = try await bed.installAgent(binary: binary)
            let downloads = bed.work + "/downloads"
            try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
            let port = try freePort()
            let files = try ChildProcess(
                executable: "/usr/bin/python3", arguments: ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", downloads])
            defer { files.signal(SIGTERM) }
            try #require(
                await eventually { (try? await ChildProcess.run("/usr/bin/curl", ["-fsS", "-o", "/dev/null", "http://127.0.0.1:\(port)/"]))?.status == 0 })
            try await body(AgentUpdateBed(bed: bed, agent: agent, binary: binary, downloads: downloads, httpPort: port))
        }
    }

    /// Writes a new version (the built agent plus `marker`) to the downloads as `name`.
    @discardableResult
    func publish(_ name: String, marker: String = "optralis-99") throws -> Data {
        var release = try Data(contentsOf: URL(fileURLWithPath: AgentTestBed.agentBinary))
        release.append(Data(marker.utf8))
        try release.write(to: URL(fileURLWithPath: "\(downloads)/\(name)"))
        return release
    }

    static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    /// Makes `name` the one active version of the agent's channel, platform and architecture;
    /// the checksum is the file's own unless `checksum` says otherwise.
    func offer(_ name: String, version: String = "99.0.0", checksum: String? = nil) async throws {
        let file = try Data(contentsOf: URL(fileURLWithPath: "\(downloads)/\(name)"))
        try await bed.api.sql("DELETE FROM agent_versions")
        try await bed.api.sql(
            """
            INSERT INTO agent_versions (version, channel, platform, architecture, download_url, checksum_sha256, file_size_bytes, is_active)
            VALUES (\(version), 'stable', 'linux', \(Self.architecture), \("http://127.0.0.1:\(httpPort)/\(name)"), \(checksum ?? Self.sha256(file)),
                    \(file.count), true)
            """)
        try await bed.api.expireCachedAgentVersions()
    }

    /// A key pair from `optralis-ca keygen-agent-signing`: the private key file and the public key.
    func keyPair(_ label: String) async throws -> (keyFile: String, publicKey: String) {
        let directory = "\(bed.work)/keys-\(label)"
        let made = try await ChildProcess.run(Self.caBinary, ["keygen-agent-signing", "--out", directory])
        try #require(made.status == 0, "\(made.output)")
        let publicKey = try String(contentsOfFile: directory + "/agent-update-signing.pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return (directory + "/agent-update-signing.key", publicKey)
    }

    /// `optralis-ca sign-agent`: writes `<name>.sig` beside the file.
    func sign(_ name: String, keyFile: String, version: String = "99.0.0", architecture: String = AgentUpdateBed.architecture) async throws {
        let signed = try await ChildProcess.run(
            Self.caBinary,
            ["sign-agent", "--key", keyFile, "--version", version, "--platform", "linux", "--architecture", architecture, "\(downloads)/\(name)"])
        try #require(signed.status == 0, "\(signed.output)")
    }

    /// `optralis-agent run` as systemd starts it (`INVOCATION_ID` set: it exits after an update),
    /// trusting `publicKeys` instead of the compiled-in keys when given.
    func run(trusting publicKeys: [String]?) throws -> ChildProcess {
        var environment = ["PATH": "/usr/bin:/bin", "INVOCATION_ID": "systemd-test"]
        if let publicKeys { environment["OPTRALIS_UPDATE_PUBLIC_KEYS"] = publicKeys.joined(separator: ",") }
        return try agent.run(environment: environment)
    }

    var binaryIsUnchanged: Bool { FileManager.default.contentsEqual(atPath: binary, andPath: AgentTestBed.agentBinary) }

    /// Runs the agent until it refuses the offered update; checks it keeps running on the binary
    /// it had, that the next heartbeat reported the refusal to the api, then stops it. Returns the
    /// agent's output.
    @discardableResult
    func expectRefusal(trusting publicKeys: [String]?, because reason: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let before = try await refusalsRecorded()
        let agent = try run(trusting: publicKeys)
        let refused = await eventually(timeout: .seconds(30)) { agent.output.contains("agent update refused") }
        #expect(refused, "\(agent.output.suffix(1500))", sourceLocation: sourceLocation)
        #expect(agent.output.contains(reason), "\(agent.output.suffix(1500))", sourceLocation: sourceLocation)
        let reported = await eventually(timeout: .seconds(15)) { ((try? await refusalsRecorded()) ?? before) > before }
        #expect(reported, "the api recorded the refusal", sourceLocation: sourceLocation)
        #expect(agent.isRunning, "the agent keeps running: \(agent.output.suffix(800))", sourceLocation: sourceLocation)
        #expect(binaryIsUnchanged, "the running binary stays", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: binary + ".new"), "nothing left beside it", sourceLocation: sourceLocation)
        agent.signal(SIGTERM)
        #expect(await agent.waitForExit(timeout: .seconds(15)) == 0, sourceLocation: sourceLocation)
        return agent.output
    }

    /// Refusals the api recorded for this machine (activity log, from the heartbeats).
    func refusalsRecorded() async throws -> Int {
        try await bed.count(
            "SELECT count(*)::int FROM activity_logs WHERE message = 'Mise à jour agent refusée' AND metadata->>'machine_id' = \(agent.machine.uuidString.lowercased())"
        )
    }
}
