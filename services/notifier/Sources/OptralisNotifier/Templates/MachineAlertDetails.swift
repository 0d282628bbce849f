import Foundation
import OptralisCore

/// The machine-alert template's variables (the spec's "Variables machine-alert"): from an
/// ``AlertNotification`` when there is one, else from the job's `data`. Optional fields are nil when
/// absent or blank: the template shows their rows only when present (the spec's `{{if .Field}}`).
struct MachineAlertDetails: Sendable, Equatable {
    var alertType: AlertType?
    var clientName: String?
    var machineName: String?
    /// The status in words: "Hors ligne", "CPU élevé", … (the spec's `MachineStatus`).
    var status: String
    var alertTime: String
    var lastSeen: String?
    var os: String?
    var ip: String?
    /// The agent's version and update channel: "1.4.2 (stable)".
    var agentVersion: String?
    /// The measured value and threshold of a metric alert: "95 % (seuil : 90 %)".
    var metric: String?
    var message: String?
    var dashboardURL: String

    init(_ alert: AlertNotification, locale l: EmailLocale, common: CommonEmailVariables) {
        alertType = alert.alertType
        clientName = Self.clean(alert.clientName)
        machineName = Self.clean(alert.machineName)
        status = Self.status(alert.alertType, locale: l)
        alertTime = l.dateTime(alert.occurredAt)
        lastSeen = alert.lastSeen.map(l.dateTime)
        os = Self.clean(alert.os)
        ip = Self.clean(alert.ip)
        agentVersion = Self.agent(Self.clean(alert.agentVersion), Self.clean(alert.agentChannel))
        // Temperatures are degrees, every other metric a percentage.
        let degrees = alert.alertType == .highTemperature
        func figure(_ value: Double) -> String {
            // A database rule's figure carries its own unit (a count, milliseconds).
            if let unit = alert.unit, !degrees { return WebhookAlertContent.number(value) + unit }
            return degrees ? l.degrees(value) : l.percent(value)
        }
        metric = alert.value.map { value in
            alert.threshold.map { "\(figure(value)) (\(l.labelled(l.t("seuil", "threshold"), figure($0))))" } ?? figure(value)
        }
        message = Self.clean(alert.message)
        dashboardURL = Self.clean(alert.dashboardURL) ?? common.base
    }

    /// From `data`: `machine_name`, `alert_type` or `status` (words), `alert_time`, `last_seen`, `os`,
    /// `ip`, `agent_version`, `agent_channel`, `client_name`, `message`, `dashboard_url`.
    init(variables input: TemplateInput) {
        let l = input.locale
        alertType = input.value("alert_type").flatMap(AlertType.init(rawValue:))
        clientName = input.value("client_name")
        machineName = input.value("machine_name")
        status = input.value("status") ?? alertType.map { Self.status($0, locale: l) } ?? l.t("Alerte", "Alert")
        alertTime = input.value("alert_time").map { value in Self.dateText(value, locale: l) } ?? l.dateTime(Date())
        lastSeen = input.value("last_seen").map { value in Self.dateText(value, locale: l) }
        os = input.value("os")
        ip = input.value("ip")
        agentVersion = Self.agent(input.value("agent_version"), input.value("agent_channel"))
        metric = nil
        message = input.value("message")
        dashboardURL = input.value("dashboard_url") ?? input.site()
    }

    /// The status in words per alert type.
    static func status(_ type: AlertType, locale l: EmailLocale) -> String {
        switch type {
        case .machineOffline: l.t("Hors ligne", "Offline")
        case .machineOnline: l.t("De nouveau en ligne", "Back online")
        case .highCPU: l.t("CPU élevé", "High CPU")
        case .highRAM: l.t("RAM élevée", "High RAM")
        case .highTemperature: l.t("Température élevée", "High temperature")
        case .databaseAlert: l.t("Alerte base de données", "Database alert")
        case .diskCritical: l.t("Disque critique", "Critical disk")
        case .smartWarning: l.t("Alerte SMART", "SMART warning")
        case .bruteForce: l.t("Tentative de brute force", "Brute-force attempt")
        case .test: l.t("Test", "Test")
        case .aiAnalysis: l.t("Analyse IA", "AI analysis")
        }
    }

    /// The status's colour: red for outages, amber for warnings, green for recoveries.
    var statusColor: String {
        switch alertType {
        case .machineOnline: EmailTemplate.Accent.green
        case .highCPU, .highRAM, .highTemperature, .databaseAlert, .smartWarning: EmailTemplate.Accent.amber
        case .test, .aiAnalysis: EmailTemplate.Accent.orange
        case .machineOffline, .diskCritical, .bruteForce, nil: EmailTemplate.Accent.red
        }
    }

    private static func agent(_ version: String?, _ channel: String?) -> String? {
        guard let version else { return nil }
        return channel.map { "\(version) (\($0))" } ?? version
    }

    private static func dateText(_ value: String, locale: EmailLocale) -> String {
        EmailLocale.parseISO(value).map(locale.dateTime) ?? value
    }

    private static func clean(_ value: String?) -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}
