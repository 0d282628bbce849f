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
