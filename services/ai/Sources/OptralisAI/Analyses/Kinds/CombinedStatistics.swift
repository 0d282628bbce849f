/// The grouped analyses: several kinds' findings under one response, their issues merged
/// (most severe first) and their summaries joined.
///
/// - `/ai/analyze/full`: `logs`, `anomalies`, `recommendations`.
/// - `/ai/predictive/maintenance`: `health_score`, `trends`, `degradation`, `correlations`,
///   `intermittent`, `capacity_planning`.
struct CombinedStatistics: Sendable, Encodable {
    private var parts: [(key: String, value: any Encodable & Sendable)] = []
    private(set) var issues: [AnalysisIssue] = []
    private(set) var summaries: [String] = []

    static let raisedIssues = 15

    mutating func add<Statistics>(_ key: String, _ findings: AnalysisFindings<Statistics>?) {
        guard let findings else { return }
        parts.append((key, findings.statistics))
        // Two parts can see the same problem (a trend's saturation is also a degradation): once is enough.
        issues += findings.issues.filter { issue in !issues.contains { $0.title == issue.title } }
        if !findings.summary.isEmpty { summaries.append(findings.summary) }
    }

    /// Without any part, nil (the machine has no data).
    func findings(leading: String? = nil) -> AnalysisFindings<CombinedStatistics>? {
        guard !parts.isEmpty else { return nil }
        return AnalysisFindings(
            statistics: self, issues: Array(issues.bySeverity.prefix(Self.raisedIssues)),
            summary: ([leading].compactMap { $0 } + summaries).joined(separator: " "))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        for (key, value) in parts { try container.encode(value, forKey: DynamicKey(key)) }
    }
}
