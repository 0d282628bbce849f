import Foundation
import OptralisCore

/// The facts of one alert in the client's language, cleaned and capped, shared by the three platforms'
/// layouts. Only `details` (the free text) is left uncut: each layout cuts it to what its body can hold.
struct WebhookAlertContent: Sendable {
    /// One labelled value of the facts grid (Teams columns, Slack fields).
    struct Fact: Sendable, Equatable {
        enum Style: Sendable { case emphasised, medium, plain }
        var label: String
        var value: String
        var style: Style = .plain
        /// Shown as code in Slack (machine name, IP).
        var code = false
    }

    let french: Bool
    let alertType: AlertType
    let clientName: String
    let statusEmoji: String
    let severityWord: String
    /// The sender's own headline (an AI message's subject), cleaned and capped; nil for alerts.
    let headline: String?
    /// The status line's wording: the headline, else the type's.
    let statusLabel: String
    /// The alert's `severity` when it names a known level.
    let level: Level?
    let machine: String?
    let date: String
    let timestamp: String
    let lastSeen: String?
    let os: String?
    let ip: String?
    let agentVersion: String?
    let agentChannel: String?
    let metric: String?
    /// For `test` alerts: the sentence saying this is a test, naming the client and the platform.
    let notice: String?
    /// The alert's free text, cleaned (line breaks kept) but not cut.
    let details: String?
    /// An http(s) dashboard link without white space, at most `WebhookLimits.maxURL` long; else nil.
    let dashboardURL: String?

    init(_ alert: AlertNotification, platform: WebhookPlatform) {
        let french = !alert.language.lowercased().hasPrefix("en")
        self.french = french
        alertType = alert.alertType
        let client = Self.fact(alert.clientName, max: WebhookLimits.maxClientName) ?? "Optralis"
        clientName = client
        statusEmoji = Self.emoji(alert.alertType)
        severityWord = Self.severityWord(alert.alertType, severity: alert.severity, french: french)
        headline = Self.fact(alert.title, max: WebhookLimits.maxFact)
        statusLabel = headline ?? Self.statusLabel(alert.alertType, french: french)
        level = Self.level(alert.severity)
        machine = Self.fact(alert.machineName, max: WebhookLimits.maxFact)
        date = french ? WebhookDates.french(alert.occurredAt) : WebhookDates.english(alert.occurredAt)
        timestamp = WebhookDates.iso8601(alert.occurredAt)
        lastSeen = alert.lastSeen.map { WebhookDates.relative($0, now: alert.occurredAt, french: french) }
        os = Self.fact(alert.os, max: WebhookLimits.maxFact)
        ip = Self.fact(alert.ip, max: WebhookLimits.maxShortFact)
        agentVersion = Self.fact(alert.agentVersion, max: WebhookLimits.maxShortFact)
        agentChannel = Self.fact(alert.agentChannel, max: WebhookLimits.maxShortFact)
        metric = Self.metric(value: alert.value, threshold: alert.threshold, french: french, unit: alert.alertType == .highTemperature ? " °C" : alert.unit)
        notice =
            alert.alertType != .test
            ? nil
            : french
                ? "Ceci est un message de test envoyé par Optralis pour le client « \(client) » sur le canal \(platform.displayName)."
                : "This is a test message from Optralis for client “\(client)” on the \(platform.displayName) channel."
        let message = alert.message.map { WebhookText.sanitize($0, multiline: true) } ?? ""
        details = message.isEmpty ? nil : message
        dashboardURL = Self.link(alert.dashboardURL)
    }

    // MARK: Wording

    /// "🏢 MONCLIENT"
    var header: String { "🏢 \(clientName.uppercased())" }
    /// The Discord title, from the spec's table ("Types de titres Discord"); a headline after the type's emoji.
    var title: String {
        if let headline { return "\(statusEmoji) \(headline)" }
        return switch alertType {
        case .machineOffline: "🔴 MACHINE OFFLINE"
        case .machineOnline: "🟢 MACHINE ONLINE"
        case .highCPU: french ? "🟠 CPU ÉLEVÉ" : "🟠 HIGH CPU"
        case .highRAM: french ? "🟠 RAM ÉLEVÉE" : "🟠 HIGH RAM"
        case .highTemperature: french ? "🟠 TEMPÉRATURE ÉLEVÉE" : "🟠 HIGH TEMPERATURE"
        case .databaseAlert: french ? "🟠 ALERTE BASE DE DONNÉES" : "🟠 DATABASE ALERT"
        case .diskCritical: french ? "🔴 DISQUE CRITIQUE" : "🔴 CRITICAL DISK"
        case .smartWarning: french ? "🟡 ALERTE SMART" : "🟡 SMART ALERT"
        case .bruteForce: french ? "🔴 TENTATIVE BRUTE FORCE" : "🔴 BRUTE FORCE ATTEMPT"
        case .test: "🧪 TEST"
        case .aiAnalysis: french ? "🤖 ANALYSE IA" : "🤖 AI ANALYSIS"
        }
    }
    var agentVersionWithChannel: String? {
        guard let agentVersion else { return agentChannel.map { "(\($0))" } }
        return agentChannel.map { "\(agentVersion) (\($0))" } ?? agentVersion
    }
    var machineLabel: String { "🖥️ Machine" }
    var dateLabel: String { "📅 Date" }
    var detectedLabel: String { french ? "📅 Détecté le" : "📅 Detected at" }
    var lastSeenLabel: String { french ? "🕐 Dernière connexion" : "🕐 Last seen" }
    var osLabel: String { french ? "💻 Système" : "💻 System" }
    var ipLabel: String { french ? "🌐 IP locale" : "🌐 Local IP" }
    var agentLabel: String { french ? "📦 Version agent" : "📦 Agent version" }
    var channelLabel: String { french ? "🔄 Canal" : "🔄 Channel" }
    var metricLabel: String { french ? "📊 Valeur" : "📊 Value" }
    var detailsLabel: String { french ? "📝 Détails" : "📝 Details" }
    var linkLabel: String { french ? "🔗 Lien" : "🔗 Link" }
    var buttonTitle: String { french ? "🔗 Voir sur Optralis" : "🔗 View on Optralis" }
    /// The Discord link's text.
    var linkText: String {
        if machine == nil { return french ? "Voir sur Optralis" : "View on Optralis" }
        return french ? "Voir la machine" : "View machine"
    }

    /// The facts grid, in display order (Teams and Slack lay them out two per row, as the spec does).
    var facts: [Fact] {
        var facts: [Fact] = []
        if let machine { facts.append(Fact(label: machineLabel, value: machine, style: .emphasised, code: true)) }
        facts.append(Fact(label: dateLabel, value: date, style: .medium))
        if let metric { facts.append(Fact(label: metricLabel, value: metric)) }
        if let lastSeen { facts.append(Fact(label: lastSeenLabel, value: lastSeen)) }
        if let os { facts.append(Fact(label: osLabel, value: os)) }
        if let ip { facts.append(Fact(label: ipLabel, value: ip, code: true)) }
        if let agentVersionWithChannel { facts.append(Fact(label: agentLabel, value: agentVersionWithChannel)) }
        return facts
    }

    // MARK: Mappings

    static func emoji(_ type: AlertType) -> String {
        switch type {
        case .machineOffline, .diskCritical, .bruteForce: "🔴"
        case .machineOnline: "🟢"
        case .highCPU, .highRAM, .highTemperature, .databaseAlert: "🟠"
        case .smartWarning: "🟡"
        case .test: "🧪"
        case .aiAnalysis: "🤖"
        }
    }

    /// The word after the emoji: the alert's `severity` when it is a known level, else the type's default
    /// (`machine_online` and `test` always use their own).
    static func severityWord(_ type: AlertType, severity: String?, french: Bool) -> String {
        switch type {
        case .machineOnline: return french ? "RÉTABLI" : "RESOLVED"
        case .test: return "TEST"
        case .aiAnalysis where severity == nil: return "INFO"
        default: break
        }
        switch level(severity) {
        case .critical: return french ? "CRITIQUE" : "CRITICAL"
        case .warning: return french ? "ATTENTION" : "WARNING"
        case .info: return "INFO"
        case nil: break
        }
        switch type {
        case .diskCritical, .bruteForce: return french ? "CRITIQUE" : "CRITICAL"
        default: return french ? "ATTENTION" : "WARNING"
        }
    }

    enum Level: Sendable { case critical, warning, info }

    static func level(_ severity: String?) -> Level? {
        switch severity?.lowercased().webhookTrimmed() {
        case "critical", "critique", "high", "error": .critical
        case "warning", "warn", "attention", "medium": .warning
        case "info", "information", "low": .info
        default: nil
        }
    }

    static func statusLabel(_ type: AlertType, french: Bool) -> String {
        switch type {
        case .machineOffline: french ? "Machine hors ligne" : "Machine offline"
        case .machineOnline: french ? "Machine de retour en ligne" : "Machine back online"
        case .highCPU: french ? "Utilisation CPU élevée" : "High CPU usage"
        case .highRAM: french ? "Utilisation RAM élevée" : "High RAM usage"
        case .highTemperature: french ? "Température élevée" : "High temperature"
        case .databaseAlert: french ? "Alerte base de données" : "Database alert"
        case .diskCritical: french ? "Espace disque critique" : "Critical disk space"
        case .smartWarning: french ? "Alerte SMART" : "SMART alert"
        case .bruteForce: french ? "Tentative de brute force" : "Brute-force attempt"
        case .test: french ? "Message de test" : "Test message"
        case .aiAnalysis: french ? "Analyse IA" : "AI analysis"
        }
    }

    /// "93.5 % (seuil 85 %)" / "93.5% (threshold 85%)"; nil without a finite value.
    /// `unit`: " °C" for a temperature; a percentage otherwise.
    static func metric(value: Double?, threshold: Double?, french: Bool, unit: String? = nil) -> String? {
        guard let value, value.isFinite else { return nil }
        let unit = unit ?? (french ? " %" : "%")
        var text = "\(number(value))\(unit)"
        if let threshold, threshold.isFinite {
            text += french ? " (seuil \(number(threshold))\(unit))" : " (threshold \(number(threshold))\(unit))"
        }
        return text
    }

    /// One decimal at most: 93.5 → "93.5", 85 → "85", 85.04 → "85".
    static func number(_ value: Double) -> String {
        let tenths = (min(max(value, -1e12), 1e12) * 10).rounded()
        let whole = Int64(tenths / 10)
        let decimal = Int64(abs(tenths.truncatingRemainder(dividingBy: 10)))
        let sign = tenths < 0 && whole == 0 ? "-" : ""
        return decimal == 0 ? "\(whole)" : "\(sign)\(whole).\(decimal)"
    }

    /// A cleaned single-line fact cut to `max`, or nil when absent or empty.
    static func fact(_ text: String?, max: Int) -> String? {
        guard let text else { return nil }
        let cleaned = WebhookText.truncate(WebhookText.sanitize(text), maxLength: max)
        return cleaned.isEmpty ? nil : cleaned
    }

    static func link(_ text: String?) -> String? {
        guard let text = text?.webhookTrimmed(), !text.isEmpty, text.utf16.count <= WebhookLimits.maxURL,
            !text.unicodeScalars.contains(where: {
                $0.properties.isWhitespace || $0.properties.generalCategory == .control
            }),
            let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            url.host?.isEmpty == false
        else { return nil }
        return text
    }
}
