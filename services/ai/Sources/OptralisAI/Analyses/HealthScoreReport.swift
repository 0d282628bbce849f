import Foundation

/// The `/ai/health-score` response: the spec's shape ("Réponse type (health-score)": the
/// score's figures flat beside `id`, `summary`, `top_issues`…) plus the narrative's state and
/// the quota cost.
struct HealthScoreReport: Sendable, Encodable {
    var id: UUID?
    var machineID: UUID
    var score: HealthScore
    var summary: String
    var topIssues: [TopIssue]
    var narrative: NarrativeSection
    var quotaCost: Int
    var createdAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, machineID = "machine_id", summary, topIssues = "top_issues", narrative, quotaCost = "quota_cost", createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        try score.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(machineID, forKey: .machineID)
        try container.encode(summary, forKey: .summary)
        try container.encode(topIssues, forKey: .topIssues)
        try container.encode(narrative, forKey: .narrative)
        try container.encode(quotaCost, forKey: .quotaCost)
        try container.encodeIfPresent(createdAt, forKey: .createdAt)
    }
}

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

/// Claude's part, or why it is missing (`available: false`, `reason`).
struct NarrativeSection: Sendable, Encodable {
    var available: Bool
    var reason: String?
    var explanations: [String]
    var recommendations: [Recommendation]
    var scripts: [RemediationScript]
    var promptVersion: String

    init(_ result: NarrativeResult) {
        available = result.narrative != nil
        reason = result.unavailableReason
        explanations = result.narrative?.explanations ?? []
        recommendations = result.narrative?.recommendations ?? []
        scripts = result.narrative?.scripts ?? []
        promptVersion = result.promptVersion
    }

    enum CodingKeys: String, CodingKey {
        case available, reason, explanations, recommendations, scripts, promptVersion = "prompt_version"
    }
}
