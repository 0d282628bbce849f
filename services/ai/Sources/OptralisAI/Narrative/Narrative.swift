/// Claude's part of an analysis, in the shape the `analyst-system` prompt asks for: a summary,
/// explanations, prioritised recommendations and remediation scripts with safety warnings.
/// Missing lists decode as empty; only `summary` is required.
struct Narrative: Sendable, Equatable, Codable {
    var summary: String
    var explanations: [String] = []
    var recommendations: [Recommendation] = []
    var scripts: [RemediationScript] = []
}

extension Narrative {
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        summary = try container.decode(String.self, forKey: .summary)
        explanations = try container.decodeIfPresent([String].self, forKey: .explanations) ?? []
        recommendations = try container.decodeIfPresent([Recommendation].self, forKey: .recommendations) ?? []
        scripts = try container.decodeIfPresent([RemediationScript].self, forKey: .scripts) ?? []
    }
}
