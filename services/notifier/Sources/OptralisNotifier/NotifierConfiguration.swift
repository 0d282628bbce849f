import Foundation
import OptralisCore
import OptralisCurl
import OptralisPostgres
import OptralisRedis
import OptralisServer

/// The notifier's settings, read from the environment (see docs/configuration.md).
public struct NotifierConfiguration: Sendable {
    public var address: ListenAddress
    public var databaseURL: DatabaseURL
    public var redisURL: RedisURL
    public var environment: DeploymentEnvironment
    /// Jobs handled at once per queue by this replica (`NOTIFIER_CONCURRENCY`).
    public var concurrency: Int
    /// This replica's name in Redis (`NOTIFIER_ID`; default host name + process id + random).
    public var consumerID: String
    /// Nil without `SMTP_HOST`.
    public var smtp: SMTPSettings?
    public var smtpFrom: String
    public var smtpFromName: String
    public var publicURL: String
    /// Retry backoff base (`NOTIFIER_RETRY_BASE_MS`, default 2000): attempts wait 2, 4, 8 s.
    public var retryBase: Duration
    /// How long a delivery in hand may go on after SIGTERM before it is cancelled and its job
    /// given back (`NOTIFIER_SHUTDOWN_GRACE_SECONDS`, default 4: inside `docker stop`'s 10 s).
    public var shutdownGrace: Duration

    public init(environment variables: [String: String]) throws(ConfigurationError) {
        var reader = EnvironmentReader(variables)
        address = reader.listenAddress(portVariable: "NOTIFIER_PORT", defaultPort: 3003)
        databaseURL = reader.databaseURL()
        redisURL = reader.redisURL(required: true) ?? RedisURL(host: "")
        environment = reader.deploymentEnvironment()
        concurrency = reader.int("NOTIFIER_CONCURRENCY", default: 8, range: 1...256)
        consumerID =
            reader.value("NOTIFIER_ID")
            ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
        retryBase = .milliseconds(reader.int("NOTIFIER_RETRY_BASE_MS", default: 2000, range: 1...600_000))
        shutdownGrace = .seconds(reader.int("NOTIFIER_SHUTDOWN_GRACE_SECONDS", default: 4, range: 0...300))
        publicURL = reader.string("PUBLIC_URL", default: "http://localhost:3000")
        let from = reader.string("SMTP_FROM", default: "Optralis <noreply@optralis.local>")
        (smtpFromName, smtpFrom) = Self.splitAddress(from)
        if let host = reader.value("SMTP_HOST") {
            let port = reader.port("SMTP_PORT", default: 587)
            let security =
                reader.value("SMTP_SECURITY").flatMap(SMTPSettings.Security.init(rawValue:))
                ?? (port == 465 ? .tls : port == 587 ? .starttls : .none)
            smtp = SMTPSettings(
                host: host, port: port, username: reader.value("SMTP_USER"), password: reader.value("SMTP_PASS"), security: security,
                tls: TLSOptions(verifyPeer: reader.bool("SMTP_TLS_VERIFY", default: true), caFile: reader.value("SMTP_CA_FILE")))
        } else {
            smtp = nil
        }
        try reader.validate()
    }

    /// `Name <address>` → ("Name", "address"); a bare address keeps "Optralis" as the name.
    static func splitAddress(_ value: String) -> (name: String, address: String) {
        guard let open = value.firstIndex(of: "<"), let close = value.lastIndex(of: ">"), open < close else { return ("Optralis", value) }
        let name = value[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        return (name.isEmpty ? "Optralis" : name, String(value[value.index(after: open)..<close]))
    }
}
