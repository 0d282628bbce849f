/// Where and how to send mail: `SMTP_HOST`, `SMTP_PORT`, `SMTP_USER`, `SMTP_PASS`, `SMTP_FROM`.
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: String, Sendable, CaseIterable {
        /// Plain SMTP upgraded with STARTTLS, which must succeed (port 587).
        case starttls
        /// TLS from the first byte (SMTPS, port 465).
        case tls
        /// No encryption: only for a relay on localhost or a test server.
        case none
    }

    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var security: Security
    public var tls: TLSOptions
    public var timeout: Duration

    public init(
        host: String, port: Int = 587, username: String? = nil, password: String? = nil, security: Security = .starttls,
        tls: TLSOptions = .init(), timeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.security = security
        self.tls = tls
        self.timeout = timeout
    }

    var url: String { "\(security == .tls ? "smtps" : "smtp")://\(host):\(port)" }
}

/// An envelope (sender, recipients) and an RFC 5322 message, as sent over SMTP.
public struct SMTPEnvelope: Sendable {
    public var from: String
    public var recipients: [String]
    public var message: [UInt8]

    public init(from: String, recipients: [String], message: [UInt8]) {
        self.from = from
        self.recipients = recipients
        self.message = message
    }
}
