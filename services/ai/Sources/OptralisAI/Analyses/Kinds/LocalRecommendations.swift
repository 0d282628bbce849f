import Foundation

/// `/ai/recommendations` without Claude: prioritised actions read from the machine's state
/// (volumes and their growth, SMART, firewall, antivirus, updates, reboot, critical events,
/// outages, sustained CPU/RAM load). Claude's narrative adds its own beside them.
struct LocalRecommendations: Sendable, Encodable {
    struct Item: Sendable, Encodable, Equatable {
        /// What it is about: `disk`, `smart`, `security`, `updates`, `stability`, `cpu`, `ram`.
        var category: String
        var priority: Recommendation.Priority
        var title: String
        var details: String
    }

    var recommendations: [Item]

    static func make(inputs: HealthInputs, score: HealthScore?, capacity: CapacityStatistics, language: AILanguage) -> LocalRecommendations {
        var items: [Item] = []
        func add(_ category: String, _ priority: Recommendation.Priority, fr: (String, String), en: (String, String)) {
            let (title, details) = language == .fr ? fr : en
            items.append(Item(category: category, priority: priority, title: title, details: details))
        }
        for volume in capacity.volumes {
            let percent = format(volume.plan.currentUsagePercent)
            if volume.plan.currentUsagePercent >= DiskCapacityPlan.defaultCriticalPercent {
                add(
                    "disk", .high, fr: ("Libérer de l'espace sur \(volume.mountPoint)", "Rempli à \(percent) %. \(volume.recommendation)"),
                    en: ("Free space on \(volume.mountPoint)", "\(percent) % full. \(volume.recommendation)"))
            } else if let days = volume.plan.daysUntilCritical, days <= CapacityStatistics.urgentDays {
                add(
                    "disk", .medium, fr: ("Anticiper la saturation de \(volume.mountPoint)", volume.recommendation),
                    en: ("Plan for \(volume.mountPoint) filling up", volume.recommendation))
            }
        }
        if inputs.smartStatuses.contains("critical") {
            add(
                "smart", .high, fr: ("Remplacer le disque en échec SMART", "Sauvegardez les données puis remplacez le disque : SMART le signale en échec."),
                en: ("Replace the failing disk", "Back the data up, then replace the disk: SMART reports it failing."))
        } else if inputs.smartStatuses.contains("warning") {
            add(
                "smart", .medium, fr: ("Surveiller le disque signalé par SMART", "Vérifiez les secteurs réalloués et prévoyez un remplacement."),
                en: ("Watch the disk SMART warns about", "Check its reallocated sectors and plan a replacement."))
        }
        if let security = inputs.security {
            if security.firewallEnabled == false {
                add(
                    "security", .high, fr: ("Activer le pare-feu", "Aucun pare-feu actif n'a été détecté."),
                    en: ("Enable the firewall", "No active firewall was found."))
            }
            if security.antivirusEnabled == false {
                add("security", .medium, fr: ("Activer l'antivirus", "L'antivirus est désactivé."), en: ("Enable the antivirus", "The antivirus is disabled."))
            } else if security.antivirusUpToDate == false {
                add(
                    "security", .medium, fr: ("Mettre à jour l'antivirus", "Ses signatures ne sont pas à jour."),
                    en: ("Update the antivirus", "Its signatures are out of date."))
            }
            if security.pendingSecurityUpdates > 0 {
                let count = security.pendingSecurityUpdates
                add(
                    "updates", count >= 5 ? .high : .medium, fr: ("Installer les mises à jour de sécurité", "\(count) mise(s) à jour de sécurité en attente."),
                    en: ("Install the security updates", "\(count) security update(s) pending."))
            }
            if security.rebootRequired {
                add(
                    "updates", .medium, fr: ("Redémarrer pour finir les mises à jour", "Un redémarrage est requis ; prévoyez une fenêtre de maintenance."),
                    en: ("Reboot to finish the updates", "A reboot is required; plan a maintenance window."))
            }
        }
        if let stability = inputs.stability {
            if stability.criticalEvents > 0 {
                add(
                    "stability", .high, fr: ("Examiner les événements critiques", "\(stability.criticalEvents) événement(s) critique(s) sur 24 h."),
                    en: ("Look into the critical events", "\(stability.criticalEvents) critical event(s) in 24 h."))
            }
            if stability.outages > 0 {
                add(
                    "stability", .medium, fr: ("Expliquer les coupures", "\(stability.outages) redémarrage(s) ou interruption(s) sur 24 h."),
                    en: ("Explain the outages", "\(stability.outages) reboot(s) or interruption(s) in 24 h."))
            }
        }
        if let cpu = score?.categories[.cpu], cpu < 50 {
            add(
                "cpu", .medium, fr: ("Identifier ce qui charge le processeur", "Sous-score CPU \(cpu)/100 : charge soutenue au-delà de 90 %."),
                en: ("Find what keeps the CPU busy", "CPU sub-score \(cpu)/100: sustained load above 90 %."))
        }
        if let ram = score?.categories[.ram], ram < 50 {
            add(
                "ram", .medium, fr: ("Réduire la pression mémoire", "Sous-score RAM \(ram)/100 : mémoire presque pleine."),
                en: ("Relieve the memory pressure", "RAM sub-score \(ram)/100: memory nearly full."))
        }
        let rank: [Recommendation.Priority: Int] = [.high: 0, .medium: 1, .low: 2]
        return LocalRecommendations(
            recommendations: items.enumerated().sorted {
                (rank[$0.element.priority] ?? 3, $0.offset) < (rank[$1.element.priority] ?? 3, $1.offset)
            }.map(\.element))
    }

    func findings(language: AILanguage) -> AnalysisFindings<LocalRecommendations> {
        let issues = recommendations.filter { $0.priority == .high }.map {
            AnalysisIssue(category: $0.category, title: $0.title, description: $0.details, severity: .high)
        }
        let summary =
            recommendations.isEmpty
            ? wording(language, fr: "Aucune action nécessaire pour l'instant.", en: "No action needed for now.")
            : wording(
                language, fr: "\(recommendations.count) action(s) recommandée(s), dont \(issues.count) prioritaire(s).",
                en: "\(recommendations.count) recommended action(s), \(issues.count) of them urgent.")
        return AnalysisFindings(statistics: self, issues: issues, summary: summary)
    }
}
