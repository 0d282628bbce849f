import Foundation
import OptralisCore

/// The daily summary (spec "Synthèse Quotidienne (Tous plans)"): the fleet's health score, its
/// machines in alert, the top 5 incidents and the 24-hour trend, from the ``DailySummary`` the
/// scheduler put in the job.
extension EmailContent {
    /// Machines named in the email; the rest are counted ("… and 12 more").
    static let summaryMachines = 20

    /// Variables: `client_name`, `date` (the client's local date), `summary` (``DailySummary`` as
    /// JSON), `dashboard_url`. Without a readable summary the email says where to read it.
    static func dailySummary(_ input: TemplateInput) -> EmailContent {
        let l = input.locale
        let client = input.value("client_name")
        let date = input.value("date").map(l.day)
        let title = l.t("Synthèse quotidienne", "Daily summary")
        let subject = [title, client, date].compactMap { $0 }.joined(separator: " - ")
        let button = EmailBlock.button(label: l.t("Ouvrir le tableau de bord", "Open the dashboard"), url: input.value("dashboard_url") ?? input.site())
        guard let summary = input.value("summary").flatMap(Self.decodeSummary) else {
            return EmailContent(
                subject: subject, preheader: title, title: title,
                blocks: [.paragraph(l.t("La synthèse du jour est disponible dans Optralis.", "Today's summary is available in Optralis.")), button])
        }
        let score = summary.health.averageScore
        let scoreText = score.map { "\(Self.number($0, l))/100" } ?? "—"
        let alerting = summary.machinesInAlertCount
        var blocks: [EmailBlock] = [
            .paragraph(
                client.map {
                    l.t(
                        "Voici l'état du parc de \(l.quoted($0)) sur les dernières 24 heures.",
                        "Here is the state of \(l.quoted($0))'s fleet over the last 24 hours.")
                } ?? l.t("Voici l'état de votre parc sur les dernières 24 heures.", "Here is the state of your fleet over the last 24 hours.")),
            .details([
                EmailBlock.Row(label: l.t("Score de santé du parc", "Fleet health score"), value: scoreText, color: score.map(Self.scoreColor)),
                EmailBlock.Row(label: l.t("Machines en ligne", "Machines online"), value: "\(summary.machines.online) / \(summary.machines.total)"),
                EmailBlock.Row(
                    label: l.t("Machines en alerte", "Machines in alert"), value: String(alerting),
                    color: alerting > 0 ? EmailTemplate.Accent.red : EmailTemplate.Accent.green),
            ]),
        ]
        if !summary.machinesInAlert.isEmpty {
            var items = summary.machinesInAlert.prefix(Self.summaryMachines).map { Self.machineLine($0, l) }
            let more = alerting - items.count
            if more > 0 { items.append(l.t("… et \(more) autre\(more > 1 ? "s" : "")", "… and \(more) more")) }
            blocks.append(.list(label: l.t("Machines en alerte", "Machines in alert"), items: items))
        }
        if summary.topIncidents.isEmpty {
            blocks.append(.paragraph(l.t("Aucune alerte ces dernières 24 heures.", "No alert in the last 24 hours.")))
        } else {
            blocks.append(.list(label: l.t("Top 5 des incidents", "Top 5 incidents"), items: summary.topIncidents.map { Self.incidentLine($0, l) }))
        }
        blocks.append(
            .details([
                Self.trendRow("CPU", summary.trend.cpu, l),
                Self.trendRow("RAM", summary.trend.ram, l),
                Self.trendRow(l.t("Disque", "Disk"), summary.trend.disk, l),
            ]))
        blocks.append(
            .small(
                l.t(
                    "Tendance : moyenne des dernières 24 heures, écart avec les 24 heures précédentes.",
                    "Trend: mean of the last 24 hours, difference with the 24 hours before.")))
        blocks.append(button)
        let preheader = l.t(
            "Score de santé \(scoreText) · \(alerting) machine\(alerting > 1 ? "s" : "") en alerte",
            "Health score \(scoreText) · \(alerting) machine\(alerting == 1 ? "" : "s") in alert")
        return EmailContent(subject: subject, preheader: preheader, title: title, blocks: blocks)
    }

    static func decodeSummary(_ json: String) -> DailySummary? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(DailySummary.self, from: Data(json.utf8))
    }

    private static func number(_ value: Double, _ l: EmailLocale) -> String {
        let text = Figure.oneDecimal(value) ?? "—"
        return l.french ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    private static func scoreColor(_ score: Double) -> String {
        score >= 80 ? EmailTemplate.Accent.green : score >= Double(DailySummary.lowHealthScore) ? EmailTemplate.Accent.amber : EmailTemplate.Accent.red
    }

    /// "srv-01 : hors ligne, 3 alertes, score 42/100".
    private static func machineLine(_ machine: DailySummary.MachineInAlert, _ l: EmailLocale) -> String {
        var facts: [String] = []
        for reason in machine.reasons {
            switch reason {
            case .offline: facts.append(l.t("hors ligne", "offline"))
            case .alertRule:
                facts.append(machine.alerts24h > 1 ? l.t("\(machine.alerts24h) alertes", "\(machine.alerts24h) alerts") : l.t("1 alerte", "1 alert"))
            case .diskFailing: facts.append(l.t("disque défaillant", "failing disk"))
            case .lowHealthScore: facts.append(l.t("score de santé \(machine.healthScore ?? 0)/100", "health score \(machine.healthScore ?? 0)/100"))
            }
        }
        return l.labelled(machine.hostname, facts.joined(separator: ", "))
    }

    /// "CPU élevé (cpu, critique) : 12 fois, 3 machines".
    private static func incidentLine(_ incident: DailySummary.Incident, _ l: EmailLocale) -> String {
        let severity =
            ["critical": l.t("critique", "critical"), "warning": l.t("avertissement", "warning"), "low": l.t("faible", "low")][incident.severity]
            ?? incident.severity
        let name: String =
            switch incident.kind {
            case "machine_offline": l.t("Machines hors ligne", "Machines offline")
            case "disk_failing": l.t("Disques défaillants", "Failing disks")
            default: "\(incident.name ?? "—") (\([incident.metric, severity].compactMap { $0 }.joined(separator: ", ")))"
            }
        let times = incident.count > 1 ? l.t("\(incident.count) fois", "\(incident.count) times") : l.t("1 fois", "once")
        let machines = incident.machines > 1 ? "\(incident.machines) machines" : "1 machine"
        return l.labelled(name, "\(times), \(machines)")
    }

    /// "45,2 % (−3,1 pts)" / "45.2% (−3.1 pts)"; "—" without data.
    private static func trendRow(_ label: String, _ change: DailySummary.Change, _ l: EmailLocale) -> EmailBlock.Row {
        guard let current = change.current else { return EmailBlock.Row(label: label, value: "—") }
        var value = l.percent(current)
        if let delta = change.change {
            let sign = delta > 0 ? "+" : delta < 0 ? "−" : "±"
            value += " (\(sign)\(number(abs(delta), l)) pts)"
        }
        return EmailBlock.Row(label: label, value: value)
    }
}
