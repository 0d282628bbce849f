import Foundation

/// A report's figures as stored in `ai_reports.content` and given to Claude for the summary.
struct ReportStatistics: Encodable, Sendable {
    struct Machine: Encodable, Sendable {
        let hostname: String
        let healthScore: Int?
        let healthChange: Int?
        let cpuP95: Double?
        let ramP95: Double?
        let diskPercent: Double?
        let alerts: Int
        let online: Bool
        enum CodingKeys: String, CodingKey {
            case hostname, alerts, online
            case healthScore = "health_score", healthChange = "health_change", cpuP95 = "cpu_p95", ramP95 = "ram_p95", diskPercent = "disk_percent"
        }
    }

    let reportType: String
    let format: String
    let periodStart: Date
    let periodEnd: Date
    let machineCount: Int
    let onlineCount: Int
    let averageHealth: Double?
    let alerts: Int
    let issues: [String]
    let recommendations: [String]
    let machines: [Machine]

    enum CodingKeys: String, CodingKey {
        case format, alerts, issues, recommendations, machines
        case reportType = "report_type", periodStart = "period_start", periodEnd = "period_end", machineCount = "machine_count",
            onlineCount = "online_count", averageHealth = "average_health"
    }

    init(_ report: ReportDocument) {
        reportType = report.kind.rawValue
        format = report.format.rawValue
        periodStart = report.periodStart
        periodEnd = report.periodEnd
        machineCount = report.machines.count
        onlineCount = report.machines.filter(\.online).count
        averageHealth = report.averageHealth.map { ($0 * 10).rounded() / 10 }
        alerts = report.alerts
        issues = report.issues.map { "[\($0.severity.rawValue)] \($0.hostname.map { "\($0): " } ?? "")\($0.text)" }
        recommendations = report.recommendations
        machines = report.machines.map {
            Machine(
                hostname: $0.hostname, healthScore: $0.healthScore, healthChange: $0.healthChange, cpuP95: $0.cpuP95, ramP95: $0.ramP95,
                diskPercent: $0.diskPercent, alerts: $0.issues, online: $0.online)
        }
    }

    /// The summary when Claude gives none: the figures in a sentence.
    func sentence(_ text: ReportText) -> String {
        let health = averageHealth.map { text.t(", santé moyenne \(text.number($0))/100", ", average health \(text.number($0))/100") } ?? ""
        return text.t(
            "\(machineCount) machines, \(onlineCount) en ligne\(health), \(alerts) alertes, \(issues.count) problèmes relevés.",
            "\(machineCount) machines, \(onlineCount) online\(health), \(alerts) alerts, \(issues.count) issues found.")
    }
}
