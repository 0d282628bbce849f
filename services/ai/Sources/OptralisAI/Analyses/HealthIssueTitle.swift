extension AnalysisIssue {
    /// A health category below 70, titled in the analysis's language.
    init(_ issue: HealthIssue, language: AILanguage) {
        let french = language == .fr
        let title =
            switch issue.category {
            case .cpu: french ? "Charge CPU élevée" : "High CPU usage"
            case .ram: french ? "Mémoire saturée" : "High memory usage"
            case .disk: french ? "Disque : espace, SMART ou latence" : "Disk: space, SMART or latency"
            case .security: french ? "Sécurité : pare-feu, antivirus ou mises à jour" : "Security: firewall, antivirus or updates"
            case .stability: french ? "Stabilité : erreurs ou coupures" : "Stability: errors or outages"
            }
        self.init(
            category: issue.category.rawValue, title: title,
            description: french ? "Sous-score \(issue.category.rawValue) : \(issue.score)/100" : "\(issue.category.rawValue) sub-score: \(issue.score)/100",
            severity: issue.severity == .high ? .high : .medium)
    }
}
