/// A category dragging the score down (`top_issues`, before Claude words it).
struct HealthIssue: Sendable, Equatable {
    enum Severity: String, Sendable, Codable { case medium, high }

    var category: HealthCategory
    var score: Int
    var severity: Severity
}
