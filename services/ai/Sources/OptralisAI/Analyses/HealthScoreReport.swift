import Foundation

/// The `/ai/health-score` response: the spec's shape ("Réponse type (health-score)": the
/// score's figures flat beside `id`, `summary`, `top_issues`…) plus the narrative's state and
/// the quota cost.
struct HealthScoreReport: StoredAnalysisReport {
    var id: UUID?
    var machineID: UUID
    var score: HealthScore
    var summary: String
    var topIssues: [AnalysisIssue]
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
