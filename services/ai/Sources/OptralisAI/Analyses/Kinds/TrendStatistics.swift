import Foundation

/// `/ai/analyze/trends`: per metric, the p95/p99 over 7 and 30 days (from the hourly roll-ups)
/// against the window before, and the predicted saturation of a steadily rising metric.
struct TrendStatistics: Sendable, Encodable {
    struct Metric: Sendable, Encodable {
        var metric: String
        var windows: [PercentileTrend]
        /// A robust line through the longest window; dates only when it rises steadily.
        var saturation: Degradation?
    }

    var periodDays: [Int]
    var metrics: [Metric]

    enum CodingKeys: String, CodingKey { case periodDays = "period_days", metrics }

    /// A p95 this high over a window is an issue whatever its trend.
    static let highP95 = 90.0
    /// A rising p95 from this level on is worth a look.
    static let watchedP95 = 75.0

    static func findings(_ series: [MetricSeries], periods: [Int], now: Date, language: AILanguage) -> AnalysisFindings<TrendStatistics>? {
        let longest = TimeInterval(periods.max() ?? 30) * .day
        let metrics = series.compactMap { metric -> Metric? in
            let windows = periods.compactMap { PercentileTrend(metric.samples, windowDays: $0, now: now) }
            guard !windows.isEmpty else { return nil }
            let recent = metric.samples.filter { $0.time > now.addingTimeInterval(-longest) }
            return Metric(metric: metric.name, windows: windows, saturation: Degradation(recent, now: now, criticalThreshold: metric.criticalThreshold))
        }
        guard !metrics.isEmpty else { return nil }
        var issues: [AnalysisIssue] = []
        for metric in metrics {
            guard let shortest = metric.windows.first else { continue }
            if shortest.p95 >= highP95 {
                issues.append(
                    AnalysisIssue(
                        category: metric.metric,
                        title: wording(language, fr: "\(metric.metric) : p95 élevé", en: "\(metric.metric): high p95"),
                        description: wording(
                            language, fr: "p95 de \(format(shortest.p95)) % sur \(shortest.windowDays) jours",
                            en: "p95 of \(format(shortest.p95)) % over \(shortest.windowDays) days"),
                        severity: .high))
            } else if shortest.trend == .increasing, shortest.p95 >= watchedP95 {
                issues.append(
                    AnalysisIssue(
                        category: metric.metric,
                        title: wording(language, fr: "\(metric.metric) : p95 en hausse", en: "\(metric.metric): rising p95"),
                        description: wording(
                            language, fr: "p95 passé de \(format(shortest.previousP95 ?? 0)) à \(format(shortest.p95)) %",
                            en: "p95 went from \(format(shortest.previousP95 ?? 0)) to \(format(shortest.p95)) %"),
                        severity: .medium))
            }
            if let issue = metric.saturation.flatMap({ DegradationStatistics.issue(metric: metric.metric, $0, language: language) }) {
                issues.append(issue)
            }
        }
        let rising = metrics.filter { $0.windows.contains { $0.trend == .increasing } }.map(\.metric)
        let summary =
            rising.isEmpty
            ? wording(language, fr: "Aucune métrique en hausse sur la période.", en: "No metric rising over the period.")
            : wording(language, fr: "En hausse : \(rising.joined(separator: ", ")).", en: "Rising: \(rising.joined(separator: ", ")).")
        return AnalysisFindings(statistics: TrendStatistics(periodDays: periods, metrics: metrics), issues: issues.bySeverity, summary: summary)
    }
}
