/// `ai_trigger_history.analysis_result`: the analysis run for a firing, in short. Only the
/// health score exists in this service yet; `requested_analysis_type` is the trigger's
/// `actions.analysis_type`. `skipped` holds the gate's reason (`cooldown`, `no_new_data`…).
struct TriggerAnalysisResult: Sendable, Encodable {
    var analysisType = "health_score"
    var requestedAnalysisType: String
    var overallScore: Int?
    var riskLevel: String?
    var summary: String?
    var issues: Int?
    var skipped: String?
    var error: String?

    enum CodingKeys: String, CodingKey {
        case analysisType = "analysis_type", requestedAnalysisType = "requested_analysis_type", overallScore = "overall_score"
        case riskLevel = "risk_level", summary, issues = "issues_found", skipped, error
    }
}
