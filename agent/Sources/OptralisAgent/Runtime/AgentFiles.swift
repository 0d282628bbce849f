#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the agent keeps its identity (`--config-dir`, default `/etc/optralis`: `agent.json`,
/// `agent.crt`, `agent.key`, `ca.crt`) and its working state (`--state-dir`, default
/// `/var/lib/optralis`: the spool, the collect sequences, the journal cursor, the last post).
/// Every file is written atomically (temporary file, fsync, rename) with mode 0600.
public struct AgentFiles: Sendable {
    public let configDirectory: String
    public let stateDirectory: String

    public init(configDirectory: String = "/etc/optralis", stateDirectory: String = "/var/lib/optralis") {
        self.configDirectory = configDirectory
        self.stateDirectory = stateDirectory
    }

    public var enrolmentFile: String { configDirectory + "/agent.json" }
    public var certificateFile: String { configDirectory + "/agent.crt" }
    public var keyFile: String { configDirectory + "/agent.key" }
    public var authorityFile: String { configDirectory + "/ca.crt" }
    public var spoolDirectory: String { stateDirectory + "/spool" }
    public var statusFile: String { stateDirectory + "/status.json" }

    /// What enrolment returned, kept in `agent.json`.
    public struct Enrolment: Codable, Sendable, Equatable {
        public var serverURL: String
        public var agentAPIURL: String
        public var clientID: UUID
        public var machineID: UUID
        public var certificateExpiresAt: Date

        enum CodingKeys: String, CodingKey {
            case serverURL = "server_url", agentAPIURL = "agent_api_url", clientID = "client_id", machineID = "machine_id"
            case certificateExpiresAt = "certificate_expires_at"
        }
    }

    public func enrolment() throws -> Enrolment {
        guard let data = FileManager.default.contents(atPath: enrolmentFile) else { throw NotEnrolled(file: enrolmentFile) }
        return try Self.decoder.decode(Enrolment.self, from: data)
    }

    public func save(_ enrolment: Enrolment) throws {
        try Self.write(try Self.encoder.encode(enrolment), to: enrolmentFile)
    }

    public struct NotEnrolled: Error, CustomStringConvertible {
        let file: String
        public var description: String {
            "not enrolled: \(file) is missing (run `optralis-agent install --server <url>` with the install token in OPTRALIS_INSTALL_TOKEN or on standard input)"
        }
    }

    /// Temporary file in the same directory, fsync, rename: a crash leaves the old file or the
    /// new one, never half of one.
    public static func write(_ data: Data, to path: String) throws {
        let directory = path.deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = "\(directory)/.\(path.lastPathComponent).\(UUID().uuidString.prefix(8))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw WriteFailed(path: temporary, code: errno) }
        let written = data.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == data.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw WriteFailed(path: path, code: errno)
        }
    }

    public struct WriteFailed: Error, CustomStringConvertible {
        let path: String
        let code: Int32
        public var description: String { "cannot write \(path): \(String(cString: strerror(code)))" }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
