#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The kinds of alert the spec names ("Types d'alertes"), plus `test` for a channel test and
/// `ai_analysis` for an AI routine's or trigger's message (title, text, severity) sent to a
/// webhook channel.
public enum AlertType: String, Codable, Sendable, CaseIterable {
    case machineOffline = "machine_offline"
    case machineOnline = "machine_online"
    case highCPU = "high_cpu"
    case highRAM = "high_ram"
    /// A temperature rule's alert (rules only: channels do not subscribe to it by type).
    case highTemperature = "high_temperature"
    /// A database rule's alert (`db_connections`, `db_cache_hit_ratio`, `db_replication_lag_ms`;
    /// rules only, like temperatures).
    case databaseAlert = "database_alert"
    case diskCritical = "disk_critical"
    case smartWarning = "smart_warning"
    case bruteForce = "brute_force"
    case test
    case aiAnalysis = "ai_analysis"
}

/// The facts of one alert, as every channel shows them (email, Teams, Slack, Discord):
/// the spec's "machine, dernière connexion, OS, IP, version agent, date". Optional fields are
/// shown only when present.
public struct AlertNotification: Codable, Sendable, Equatable {
    public var alertType: AlertType
    public var clientName: String
    /// `fr` or `en`: the client's language.
    public var language: String
    public var occurredAt: Date
    public var machineName: String?
    public var lastSeen: Date?
    public var os: String?
    public var ip: String?
    public var agentVersion: String?
    public var agentChannel: String?
    /// The measured value and the rule's threshold, for metric alerts (percent).
    public var value: Double?
    public var threshold: Double?
    /// The unit of `value` and `threshold` when not a percentage (" ms", " °C"; "" for a count).
    public var unit: String?
    public var severity: String?
    /// Free text: a rule's name, a test message, details.
    public var message: String?
    public var dashboardURL: String?
    /// A headline chosen by the sender, shown instead of the type's own wording (the status line,
    /// Discord's title): an `ai_analysis` message's subject. Nil for the spec's alerts.
    public var title: String?

    public init(
        alertType: AlertType, clientName: String, language: String, occurredAt: Date = Date(), machineName: String? = nil,
        lastSeen: Date? = nil, os: String? = nil, ip: String? = nil, agentVersion: String? = nil, agentChannel: String? = nil,
        value: Double? = nil, threshold: Double? = nil, severity: String? = nil, message: String? = nil, dashboardURL: String? = nil,
        title: String? = nil, unit: String? = nil
    ) {
        self.alertType = alertType
        self.clientName = clientName
        self.language = language
        self.occurredAt = occurredAt
        self.machineName = machineName
        self.lastSeen = lastSeen
        self.os = os
        self.ip = ip
        self.agentVersion = agentVersion
        self.agentChannel = agentChannel
        self.value = value
        self.threshold = threshold
        self.severity = severity
        self.message = message
        self.dashboardURL = dashboardURL
        self.title = title
        self.unit = unit
    }

    enum CodingKeys: String, CodingKey {
        case alertType = "alert_type", clientName = "client_name", language, occurredAt = "occurred_at"
        case machineName = "machine_name", lastSeen = "last_seen", os, ip, agentVersion = "agent_version"
        case agentChannel = "agent_channel", value, threshold, severity, message, dashboardURL = "dashboard_url", title, unit
    }
}
