import Foundation

/// The issues and recommendations a report lists, read from its figures with the statistics'
/// thresholds: health below 50 critical and below 75 a warning, a volume over 90 % critical,
/// CPU or RAM p95 over 90 %, a machine offline, critical alerts of the period.
enum ReportFindings {
    static func issues(_ facts: ReportSource.Facts, language: String) -> [ReportDocument.Issue] {
        let text = ReportText(language: language)
        var issues: [ReportDocument.Issue] = []
        for machine in facts.machines {
            if let score = machine.healthScore, score < 75 {
                issues.append(
                    .init(
                        severity: score < 50 ? .critical : .warning, hostname: machine.hostname,
                        text: text.t("Score de santé \(score)/100", "Health score \(score)/100")))
            }
            if let disk = machine.diskPercent, disk >= 90 {
                issues.append(
                    .init(
                        severity: .critical, hostname: machine.hostname,
                        text: text.t("Volume plein à \(text.number(disk)) %", "Volume \(text.number(disk)) % full")))
            }
            if let cpu = machine.cpuP95, cpu >= 90 {
                issues.append(
                    .init(
                        severity: .warning, hostname: machine.hostname,
                        text: text.t("Processeur p95 à \(text.number(cpu)) %", "CPU p95 at \(text.number(cpu)) %")))
            }
            if let ram = machine.ramP95, ram >= 90 {
                issues.append(
                    .init(
                        severity: .warning, hostname: machine.hostname,
                        text: text.t("Mémoire p95 à \(text.number(ram)) %", "Memory p95 at \(text.number(ram)) %")))
            }
            if !machine.online {
                issues.append(.init(severity: .warning, hostname: machine.hostname, text: text.t("Hors ligne", "Offline")))
            }
        }
        let critical = Dictionary(grouping: facts.alerts.filter { $0.severity == "critical" }) { "\($0.hostname)\u{1f}\($0.rule)" }
        for (_, alerts) in critical.sorted(by: { $0.key < $1.key }) {
            guard let first = alerts.first else { continue }
            issues.append(
                .init(
                    severity: .critical, hostname: first.hostname,
                    text: text.t("Alerte « \(first.rule) » déclenchée \(alerts.count) fois", "Alert \"\(first.rule)\" fired \(alerts.count) times")))
        }
        return issues
    }

    static func recommendations(_ facts: ReportSource.Facts, language: String) -> [String] {
        let text = ReportText(language: language)
        var advice: [String] = []
        let full = facts.machines.filter { ($0.diskPercent ?? 0) >= 90 }.map(\.hostname)
        if !full.isEmpty {
            advice.append(text.t("Libérer ou étendre l'espace disque de ", "Free or extend disk space on ") + full.joined(separator: ", ") + ".")
        }
        let busy = facts.machines.filter { ($0.cpuP95 ?? 0) >= 90 || ($0.ramP95 ?? 0) >= 90 }.map(\.hostname)
        if !busy.isEmpty { advice.append(text.t("Examiner la charge de ", "Look into the load of ") + busy.joined(separator: ", ") + ".") }
        let offline = facts.machines.filter { !$0.online }.map(\.hostname)
        if !offline.isEmpty {
            advice.append(
                text.t("Vérifier l'agent des machines hors ligne : ", "Check the agent of offline machines: ") + offline.joined(separator: ", ") + ".")
        }
        let unhealthy = facts.machines.filter { ($0.healthScore ?? 100) < 50 }.map(\.hostname)
        if !unhealthy.isEmpty { advice.append(text.t("Lancer une analyse complète sur ", "Run a full analysis on ") + unhealthy.joined(separator: ", ") + ".") }
        return advice
    }
}
