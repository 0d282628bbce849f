import Foundation

/// The machine health score of `/ai/health-score`: `overall_score` 0…100, `category_scores`
/// (cpu, ram, disk, security, stability: see ``HealthCategory``), `trend`, `risk_level` and
/// `confidence`. The narrative fields (`summary`, the issues' titles) are Claude's.
struct HealthScore: Sendable, Equatable {
    var overall: Int
    /// Only the categories with data.
    var categories: [HealthCategory: Int]
    var trend: HealthTrend
    var riskLevel: RiskLevel
    /// The summed weight of the categories with data: 1 when all five could be scored.
    var confidence: Double
    /// Categories scoring below 70, lowest first.
    var issues: [HealthIssue]

    /// Metric categories read the last 24 hours.
    static let window: TimeInterval = .day
    /// A change of at least 5 points against the previous score is a trend.
    static let trendThreshold = 5

    /// `previousOverall`: the last stored score. Without it the score is compared with the same
    /// computation over the 24 hours before (when the same categories have data there).
    /// Nil when no category has data.
    init?(_ inputs: HealthInputs, now: Date, previousOverall: Int? = nil) {
        guard let current = Self.scores(inputs, from: now.addingTimeInterval(-Self.window), to: now) else { return nil }
        categories = current.categories
        overall = current.overall
        confidence = (HealthCategory.allCases.filter { current.categories[$0] != nil }.map(\.weight).reduce(0, +) * 100).rounded() / 100
        riskLevel = RiskLevel(score: overall)
        let previous =
            previousOverall
            ?? Self.scores(inputs, from: now.addingTimeInterval(-2 * Self.window), to: now.addingTimeInterval(-Self.window))
            .flatMap { Set($0.categories.keys) == Set(current.categories.keys) ? $0.overall : nil }
        trend =
            if let previous, overall - previous >= Self.trendThreshold { .improving } else if let previous, previous - overall >= Self.trendThreshold {
                .declining
            } else if previous != nil { .stable } else { .unknown }
        issues = current.categories.compactMap { category, score in
            score < 70 ? HealthIssue(category: category, score: score, severity: score < 50 ? .high : .medium) : nil
        }.sorted { ($0.score, $0.category.rawValue) < ($1.score, $1.category.rawValue) }
    }

    private static func scores(_ inputs: HealthInputs, from start: Date, to end: Date) -> (overall: Int, categories: [HealthCategory: Int])? {
        var categories: [HealthCategory: Int] = [:]
        for category in HealthCategory.allCases {
            categories[category] = category.score(inputs, from: start, to: end)
        }
        let weights = categories.keys.map(\.weight).reduce(0, +)
        guard weights > 0 else { return nil }
        let weighted = categories.map { Double($1) * $0.weight }.reduce(0, +) / weights
        return (min(100, max(0, Int(weighted.rounded()))), categories)
    }
}

enum HealthTrend: String, Sendable, Codable, Equatable {
    case improving, stable, declining
    /// No earlier score to compare with.
    case unknown
}
