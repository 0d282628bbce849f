/// What an analysis computed locally, before Claude: the statistics (the response's and the
/// prompt's substance), the issues they reveal and a summary in the analysis's language.
struct AnalysisFindings<Statistics: Encodable & Sendable>: Sendable {
    var statistics: Statistics
    var issues: [AnalysisIssue]
    /// Used when Claude gives no summary.
    var summary: String
    /// Stored in `ai_analysis_results` beside the result when the analysis has them.
    var overallScore: Int? = nil
    var riskLevel: String? = nil
    var confidence: Double? = nil
}
