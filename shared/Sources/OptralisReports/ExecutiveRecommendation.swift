import Foundation

/// A rule-based recommendation (no AI): a stable `code`, a severity (`info`, `warning`,
/// `critical`) and the sentence in the client's language.
public struct ExecutiveRecommendation: Encodable, Sendable, Equatable {
    public var code: String
    public var severity: String
    public var text: String

    /// The rules, in order of importance; "all_good" when none applies. Thresholds: availability
    /// below 99 % (critical below 95 %), average CPU above 80 %, RAM or disk above 85 %, a rise of
    /// 10 points (5 for disk) on the previous period, any failing disk, security or other pending
    /// updates, reboots pending, a fleet score below 60 or machines below 50, alerts up by half
    /// (5 at least), a machine with 5 alerts or more.
    public static func rules(for report: ExecutiveReport) -> [ExecutiveRecommendation] {
        let french = report.language != "en"
        var list: [ExecutiveRecommendation] = []
        func add(_ code: String, _ severity: String, _ fr: String, _ en: String) {
            list.append(ExecutiveRecommendation(code: code, severity: severity, text: french ? fr : en))
        }
        let format = ReportFormat(language: report.language)
        if let summary = report.summary {
            if summary.machineCount == 0 {
                add(
                    "no_machines", "info", "Aucune machine n'est enregistrée : installez l'agent sur vos serveurs et postes.",
                    "No machine is enrolled: install the agent on your servers and workstations.")
            } else if let availability = summary.availabilityPercent {
                if availability < 95 {
                    add(
                        "availability_low", "critical",
                        "Disponibilité de \(format.percent(availability)) : identifiez les machines hors ligne et leurs causes (alimentation, réseau, agent arrêté).",
                        "Availability of \(format.percent(availability)): find the machines that went offline and why (power, network, stopped agent).")
                } else if availability < 99 {
                    add(
                        "availability_low", "warning",
                        "Disponibilité de \(format.percent(availability)) : en dessous de l'objectif de 99 %, vérifiez les interruptions de la période.",
                        "Availability of \(format.percent(availability)): below the 99% target, review the period's interruptions.")
                }
            } else {
                add(
                    "no_data", "warning", "Aucune mesure reçue sur la période : vérifiez que les agents fonctionnent.",
                    "No metric received in the period: check that the agents are running.")
            }
        }
        if let resources = report.resources {
            let rules: [(String, ExecutiveReport.Figure, Double, Double, String, String)] = [
                ("cpu", resources.cpu, 80, 10, "CPU", "CPU"), ("ram", resources.ram, 85, 10, "mémoire", "memory"),
                ("disk", resources.disk, 85, 5, "disque", "disk"),
            ]
            for (code, figure, high, rise, fr, en) in rules {
                if let average = figure.average, average > high {
                    add(
                        "\(code)_high", "warning",
                        "Utilisation \(fr) moyenne de \(format.percent(average)) : prévoyez une montée en capacité ou un rééquilibrage des charges.",
                        "Average \(en) use of \(format.percent(average)): plan more capacity or rebalance the load.")
                } else if let trend = figure.trend, trend >= rise {
                    add(
                        "\(code)_rising", "info", "Utilisation \(fr) en hausse de \(format.points(trend)) sur la période précédente : surveillez la tendance.",
                        "\(en.prefix(1).uppercased() + en.dropFirst()) use up \(format.points(trend)) on the previous period: watch the trend.")
                }
            }
        }
        if let smart = report.smart, smart.warnings > 0 {
            add(
                "smart_failing", "critical",
                "\(smart.warnings) disque(s) signalé(s) par S.M.A.R.T. : sauvegardez leurs données et planifiez leur remplacement.",
                "\(smart.warnings) disk(s) flagged by S.M.A.R.T.: back up their data and plan their replacement.")
        }
        if let patches = report.patches {
            if patches.securityUpdates > 0 {
                add(
                    "security_updates", "warning", "\(patches.securityUpdates) mise(s) à jour de sécurité en attente : appliquez-les en priorité.",
                    "\(patches.securityUpdates) security update(s) pending: apply them first.")
            } else if patches.pendingUpdates > 0 {
                add(
                    "pending_updates", "info", "\(patches.pendingUpdates) mise(s) à jour en attente sur \(patches.machinesWithUpdates) machine(s).",
                    "\(patches.pendingUpdates) update(s) pending on \(patches.machinesWithUpdates) machine(s).")
            }
            if patches.rebootRequired > 0 {
                add(
                    "reboot_required", "info", "\(patches.rebootRequired) machine(s) attendent un redémarrage pour terminer leurs mises à jour.",
                    "\(patches.rebootRequired) machine(s) need a reboot to finish their updates.")
            }
        }
        if let health = report.health {
            if let score = health.fleetScore, score < 60 {
                add(
                    "health_low", "warning", "Score de santé du parc de \(format.number(score)) / 100 : traitez d'abord les machines les moins bien notées.",
                    "Fleet health score of \(format.number(score)) / 100: deal with the lowest-scored machines first.")
            } else if health.machinesBelow50 > 0 {
                add(
                    "machines_unhealthy", "info", "\(health.machinesBelow50) machine(s) ont un score de santé inférieur à 50.",
                    "\(health.machinesBelow50) machine(s) have a health score below 50.")
            }
        }
        if let alerts = report.alerts, let previous = alerts.previousTotal, alerts.total >= 5, Double(alerts.total) >= Double(previous) * 1.5 {
            add(
                "alerts_rising", "warning",
                "\(alerts.total) alertes contre \(previous) sur la période précédente : revoyez les seuils et les causes récurrentes.",
                "\(alerts.total) alerts against \(previous) in the previous period: review the thresholds and the recurring causes.")
        }
        if let noisiest = report.topMachines?.first, noisiest.alerts >= 5 {
            add(
                "machine_noisy", "info", "\(noisiest.hostname) a déclenché \(noisiest.alerts) alertes : examinez cette machine en priorité.",
                "\(noisiest.hostname) raised \(noisiest.alerts) alerts: look at this machine first.")
        }
        if list.isEmpty {
            add(
                "all_good", "info", "Aucun point d'attention sur la période : le parc est stable.",
                "Nothing needs attention in the period: the fleet is stable.")
        }
        return list
    }
}
