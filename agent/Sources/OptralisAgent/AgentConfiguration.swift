#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore
import OptralisUpdateSigning

/// The agent's settings: the local status server (`AGENT_STATUS_ADDRESS`, `AGENT_STATUS_PORT`),
/// whether `run` keeps only the code it runs resident (`AGENT_TRIM_RESIDENT_MEMORY`, default true,
/// applied by the entry point before this is read; see ``ResidentMemoryTrimmer``) and where its
/// identity and state live (`OPTRALIS_CONFIG_DIR`, `OPTRALIS_STATE_DIR`, or
/// `run --config-dir/--state-dir`). An agent that is not enrolled refuses to start, naming the
/// missing file.
///
/// Updates install only when signed by one of the keys compiled in (``UpdateSigningKeys``).
/// `OPTRALIS_UPDATE_PUBLIC_KEYS` (comma-separated base64 public keys) replaces them, for tests and
/// development only: it is read from the local environment, never from anything the server sends.
public struct AgentConfiguration: Sendable {
    public var statusHost: String
    public var statusPort: Int
    public var files: AgentFiles
    public var enrolment: AgentFiles.Enrolment
    /// `AGENT_LICENCE_RETRY_SECONDS` (default 300): while the gateway answers that the client's
    /// licence is suspended or expired, each collector's posts wait this long between tries.
    public var licenceRetrySeconds: Int
    public var updateVerifier: UpdateVerifier
    /// Whether `OPTRALIS_UPDATE_PUBLIC_KEYS` replaced the compiled-in keys.
    public var updateKeysOverridden: Bool

    public init(environment variables: [String: String]) throws(ConfigurationError) {
        var reader = EnvironmentReader(variables)
        statusHost = reader.string("AGENT_STATUS_ADDRESS", default: "127.0.0.1")
        statusPort = reader.port("AGENT_STATUS_PORT", default: 9464)
        licenceRetrySeconds = reader.int("AGENT_LICENCE_RETRY_SECONDS", default: 300, range: 1...3600)
        // Applied by the entry point before anything else runs (AgentMain); read here so that a
        // value that is not a boolean refuses to start like any other bad setting.
        _ = reader.bool("AGENT_TRIM_RESIDENT_MEMORY", default: true)
        let overridden = reader.value("OPTRALIS_UPDATE_PUBLIC_KEYS").map { $0.split(separator: ",").map(String.init) } ?? []
        updateKeysOverridden = !overridden.isEmpty
        do {
            updateVerifier = try UpdateVerifier(publicKeys: updateKeysOverridden ? overridden : UpdateSigningKeys.release)
        } catch {
            updateVerifier = .trustingNoKey
            reader.report("OPTRALIS_UPDATE_PUBLIC_KEYS", error.description)
        }
        files = AgentFiles(
            configDirectory: reader.string("OPTRALIS_CONFIG_DIR", default: "/etc/optralis"),
            stateDirectory: reader.string("OPTRALIS_STATE_DIR", default: "/var/lib/optralis"))
        do {
            enrolment = try files.enrolment()
        } catch {
            enrolment = AgentFiles.Enrolment(serverURL: "", agentAPIURL: "", clientID: UUID(), machineID: UUID(), certificateExpiresAt: .distantPast)
            reader.report("OPTRALIS_CONFIG_DIR", "\(error)")
        }
        try reader.validate()
    }
}
