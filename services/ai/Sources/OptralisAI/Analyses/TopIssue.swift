/// One of `top_issues`: a category below 70, titled in the analysis's language.
struct TopIssue: Sendable, Encodable, Equatable {
    var type = "issue"
    var category: HealthCategory
    var title: String
    var description: String
    var severity: HealthIssue.Severity

    init(_ issue: HealthIssue, language: AILanguage) {
        category = issue.category
        severity = issue.severity
        let french = language == .fr
        title =
            switch issue.category {
            case .cpu: french ? "Charge CPU élevée" : "High CPU usage"
            case .ram: french ? "Mémoire saturée" : "High memory usage"
            case .disk: french ? "Disque : espace, SMART ou latence" : "Disk: space, SMART or latency"
            case .security: french ? "Sécurité : pare-feu, antivirus ou mises à jour" : "Security: firewall, antivirus or updates"
            case .stability: french ? "Stabilité : erreurs ou coupures" : "Stability: errors or outages"
            }
        description = french ? "Sous-score \(issue.category.rawValue) : \(issue.score)/100" : "\(issue.category.rawValue) sub-score: \(issue.score)/100"
    }
}
