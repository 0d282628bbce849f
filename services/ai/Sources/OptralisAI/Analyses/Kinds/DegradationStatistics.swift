import Foundation

/// `/ai/analyze/degradation`: a robust line through 30 days of each metric's hourly roll-ups
/// (CPU, RAM, every volume), the degrading ones first, with their critical and saturation dates.
struct DegradationStatistics: Sendable, Encodable {
    struct Metric: Sendable, Encodable {
        var metric: String
        var degradation: Degradation
    }

    var windowDays: Int
    var metrics: [Metric]

    enum CodingKeys: String, CodingKey { case windowDays = "window_days", metrics }

    static let windowDays = 30

    static func findings(_ series: [MetricSeries], now: Date, language: AILanguage) -> AnalysisFindings<DegradationStatistics>? {
        let start = now.addingTimeInterval(-TimeInterval(windowDays) * .day)
        let metrics = series.compactMap { metric in
            Degradation(metric.samples.filter { $0.time > start }, now: now, criticalThreshold: metric.criticalThreshold)
                .map { Metric(metric: metric.name, degradation: $0) }
        }
        guard !metrics.isEmpty else { return nil }
        let sorted = metrics.filter(\.degradation.isDegrading) + metrics.filter { !$0.degradation.isDegrading }
        let issues = sorted.compactMap { issue(metric: $0.metric, $0.degradation, language: language) }.bySeverity
        let summary =
            issues.isEmpty
            ? wording(language, fr: "Aucune dégradation progressive détectée.", en: "No progressive degradation found.")
            : wording(
                language, fr: "Dégradation progressive : \(issues.map(\.category).joined(separator: ", ")).",
                en: "Progressive degradation: \(issues.map(\.category).joined(separator: ", ")).")
        return AnalysisFindings(statistics: DegradationStatistics(windowDays: windowDays, metrics: sorted), issues: issues, summary: summary)
    }

    /// A degrading metric: critical within a week, high within a month, medium beyond.
    static func issue(metric: String, _ degradation: Degradation, language: AILanguage) -> AnalysisIssue? {
        guard degradation.isDegrading else { return nil }
        let days = degradation.daysUntilCritical
        let severity: AnalysisIssue.Severity =
            switch days {
            case .some(let days) where days <= 7: .critical
            case .some(let days) where days <= 30: .high
            default: .medium
            }
        let perMonth = format(degradation.slopePerDay * 30)
        let description =
            switch days {
            case .some(let days):
                wording(
                    language, fr: "+\(perMonth) points par mois, seuil critique (\(format(degradation.criticalThreshold))) dans \(days) jours",
                    en: "+\(perMonth) points a month, critical level (\(format(degradation.criticalThreshold))) in \(days) days")
            case .none:
                wording(language, fr: "+\(perMonth) points par mois", en: "+\(perMonth) points a month")
            }
        return AnalysisIssue(
            category: metric, title: wording(language, fr: "\(metric) : dégradation progressive", en: "\(metric): progressive degradation"),
            description: description, severity: severity)
    }
}
