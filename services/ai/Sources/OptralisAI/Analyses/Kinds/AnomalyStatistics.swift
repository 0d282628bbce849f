import Foundation

/// `/ai/analyze/anomalies`: each watched metric's last hour against its 7-day baseline
/// (z-score, warning above 2, critical above 3), as the drift routine stores it in `metric_baselines`.
struct AnomalyStatistics: Sendable, Encodable {
    struct Metric: Sendable, Encodable {
        var metric: BaselineMetric
        var baseline: Baseline
        /// Nil when the last hour has no sample.
        var drift: DriftAssessment?
    }

    var metrics: [Metric]
    var anomalyCount: Int

    enum CodingKeys: String, CodingKey { case metrics, anomalyCount = "anomaly_count" }

    static func findings(_ measures: [BaselineStore.Measure], language: AILanguage) -> AnalysisFindings<AnomalyStatistics>? {
        let metrics = measures.compactMap { measure -> Metric? in
            guard let baseline = measure.baseline else { return nil }
            return Metric(metric: measure.metric, baseline: baseline, drift: measure.current.map { DriftAssessment(current: $0, baseline: baseline) })
        }
        guard !metrics.isEmpty else { return nil }
        let issues = metrics.compactMap { metric -> AnalysisIssue? in
            guard let drift = metric.drift, let severity = drift.severity else { return nil }
            let name = metric.metric.rawValue
            return AnalysisIssue(
                category: name,
                title: wording(language, fr: "\(name) : anomalie (z = \(format(drift.zScore)))", en: "\(name): anomaly (z = \(format(drift.zScore)))"),
                description: wording(
                    language,
                    fr: "Dernière heure \(format(drift.currentValue)) contre une moyenne de \(format(metric.baseline.mean)) sur 7 jours",
                    en: "Last hour \(format(drift.currentValue)) against a 7-day mean of \(format(metric.baseline.mean))"),
                severity: severity == .critical ? .high : .medium)
        }.bySeverity
        let summary =
            issues.isEmpty
            ? wording(language, fr: "Aucune anomalie par rapport aux 7 derniers jours.", en: "No anomaly against the last 7 days.")
            : wording(
                language, fr: "Anomalies : \(issues.map(\.category).joined(separator: ", ")).",
                en: "Anomalies: \(issues.map(\.category).joined(separator: ", ")).")
        return AnalysisFindings(statistics: AnomalyStatistics(metrics: metrics, anomalyCount: issues.count), issues: issues, summary: summary)
    }
}
