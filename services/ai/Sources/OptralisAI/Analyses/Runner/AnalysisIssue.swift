/// One of an analysis's `top_issues`: what the statistics found wrong, titled in the analysis's
/// language. Its title is what a later 304 `NO_SIGNIFICANT_CHANGES` lists as `previous_issues`.
struct AnalysisIssue: Sendable, Encodable, Equatable {
    enum Severity: String, Sendable, Encodable, Comparable {
        case low, medium, high, critical

        private var rank: Int {
            switch self {
            case .low: 0
            case .medium: 1
            case .high: 2
            case .critical: 3
            }
        }

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
    }

    var type = "issue"
    /// What the issue is about: `cpu`, `ram`, `disk:/var`, `disk_latency_ms`, `logs`…
    var category: String
    var title: String
    var description: String
    var severity: Severity
}

extension [AnalysisIssue] {
    /// Most severe first, the order within a severity kept.
    var bySeverity: [AnalysisIssue] {
        enumerated().sorted { ($0.element.severity, -$0.offset) > ($1.element.severity, -$1.offset) }.map(\.element)
    }
}
