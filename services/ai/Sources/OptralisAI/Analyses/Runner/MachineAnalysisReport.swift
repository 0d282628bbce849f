import Foundation

/// The response of every machine analysis but the health score (whose shape the spec fixes):
/// the kind, a summary, the computed `statistics`, `top_issues`, Claude's narrative (or why it
/// is missing) and the quota cost.
struct MachineAnalysisReport<Statistics: Encodable & Sendable>: StoredAnalysisReport {
    var id: UUID?
    var machineID: UUID
    var analysisType: String
    var summary: String
    var statistics: Statistics
    var topIssues: [AnalysisIssue]
    var narrative: NarrativeSection
    var quotaCost: Int
    var createdAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, machineID = "machine_id", analysisType = "analysis_type", summary, statistics, topIssues = "top_issues", narrative
        case quotaCost = "quota_cost", createdAt = "created_at"
    }

    init(machineID: UUID, kind: AnalysisKind, findings: AnalysisFindings<Statistics>, narrative: NarrativeResult) {
        self.machineID = machineID
        analysisType = kind.rawValue
        summary = narrative.narrative?.summary ?? findings.summary
        statistics = findings.statistics
        topIssues = findings.issues
        self.narrative = NarrativeSection(narrative)
        quotaCost = kind.cost
    }
}
