#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore
import OptralisCurl

/// `optralis-agent install`: trades an install token for this machine's certificate
/// (`POST /api/public/bootstrap`), writes identity files (mode 0600), and — run as root on a
/// systemd machine — installs and starts the `optralis-agent` unit.
public struct Enroller: Sendable {
    public let files: AgentFiles
    public let http: CurlClient

    public init(files: AgentFiles, http: CurlClient) {
        self.files = files
        self.http = http
    }

    struct Bootstrap: Decodable {
        let clientID: UUID
        let machineID: UUID
        let certificate: String
        let privateKey: String
        let caCertificate: String
        let expiresAt: Date
        let agentAPIURL: String
        enum CodingKeys: String, CodingKey {
            case clientID = "client_id", machineID = "machine_id", certificate, privateKey = "private_key", caCertificate = "ca_certificate"
            case expiresAt = "expires_at", agentAPIURL = "agent_api_url"
        }
    }

    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    public func enrol(token: String, server: String, facts: MachineFacts) async throws -> AgentFiles.Enrolment {
        let server = server.hasSuffix("/") ? String(server.dropLast()) : server
        var body: [String: String] = [
            "token": token, "hostname": facts.hostname, "os": facts.os, "arch": facts.architecture, "agent_version": OptralisVersion.current,
        ]
        body["hardware_id"] = facts.hardwareID
        body["os_version"] = facts.osVersion
        let response = try await http.send(.postJSON("\(server)/api/public/bootstrap", body: Array(try JSONEncoder().encode(body))))
        guard response.status == 200 else {
            let message = (try? JSONDecoder().decode([String: String].self, from: Data(response.body)))?["error"] ?? response.bodyText
            throw Refused(description: "enrolment refused (HTTP \(response.status)): \(message)")
        }
        let issued = try AgentFiles.decoder.decode(Bootstrap.self, from: Data(response.body))
        try AgentFiles.write(Data(issued.certificate.utf8), to: files.certificateFile)
        try AgentFiles.write(Data(issued.privateKey.utf8), to: files.keyFile)
        try AgentFiles.write(Data(issued.caCertificate.utf8), to: files.authorityFile)
        let enrolment = AgentFiles.Enrolment(
            serverURL: server, agentAPIURL: issued.agentAPIURL, clientID: issued.clientID, machineID: issued.machineID,
            certificateExpiresAt: issued.expiresAt)
        try files.save(enrolment)
        // A re-enrolled machine starts its sequences from 1 again, as the server does.
        try? FileManager.default.removeItem(atPath: files.spoolDirectory + "/sequences.json")
        return enrolment
    }

    /// Settings read by the C libraries when the process starts, so they belong in the
    /// environment the agent is started with (the unit's, the footprint benchmark's), not in
    /// code:
    /// - Debian's libcurl links librtmp, which links GnuTLS, and GnuTLS initialises itself when
    ///   it is loaded although the agent never uses it (its TLS goes through OpenSSL, and only
    ///   http and https are enabled): about 1 MB resident;
    /// - glibc's malloc keeps an arena per thread by default; the agent's few threads allocate
    ///   little, and one arena serves them: about 0.5 MB.
    public static let environment = ["GNUTLS_NO_IMPLICIT_INIT": "1", "MALLOC_ARENA_MAX": "1"]

    /// The systemd unit `optralis-agent run` runs under.
    public static func unit(binary: String, files: AgentFiles) -> String {
        """
        [Unit]
        Description=Optralis monitoring agent
        After=network-online.target
        Wants=network-online.target

        [Service]
        \(environment.map { "Environment=\($0.key)=\($0.value)" }.sorted().joined(separator: "\n"))
        ExecStart=\(binary) run --config-dir \(files.configDirectory) --state-dir \(files.stateDirectory)
        Restart=always
        RestartSec=5
        StateDirectory=optralis
        StateDirectoryMode=0700

        [Install]
        WantedBy=multi-user.target

        """
    }

    /// Writes and starts the unit when running as root on systemd; false when it does not apply.
    public func installService(binary: String, runner: CommandRunner = CommandRunner()) async throws -> Bool {
        guard getuid() == 0, FileManager.default.fileExists(atPath: "/run/systemd/system") else { return false }
        try AgentFiles.write(Data(Self.unit(binary: binary, files: files).utf8), to: "/etc/systemd/system/optralis-agent.service")
        chmod("/etc/systemd/system/optralis-agent.service", 0o644)
        _ = try await runner.run("systemctl", ["daemon-reload"])
        let started = try await runner.run("systemctl", ["enable", "--now", "optralis-agent.service"])
        return started?.status == 0
    }
}
