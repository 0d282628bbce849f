/// The two 304 bodies; `message` and `previous_issues` only for `NO_SIGNIFICANT_CHANGES`.
struct UnchangedBody: Encodable, Sendable {
    let error: String
    let code: String
    let message: String?
    let previousIssues: [String]?
    let lastAnalysis: String

    enum CodingKeys: String, CodingKey {
        case error, code, message, previousIssues = "previous_issues", lastAnalysis = "last_analysis"
    }
}
