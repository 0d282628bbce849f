import Foundation

/// `/ai/analyze/intermittent`: spikes of disk latency above 50 ms and IO wait above 15 % over
/// the last 7 days (one-minute maxima), and their pattern.
struct IntermittenceStatistics: Sendable, Encodable {
    var windowDays: Int
    var diskLatency: Intermittence?
    var ioWait: Intermittence?

    enum CodingKeys: String, CodingKey { case windowDays = "window_days", diskLatency = "disk_latency_ms", ioWait = "io_wait_percent" }

    static let windowDays = 7

    static func findings(_ recent: MachineSeriesStore.Recent, language: AILanguage) -> AnalysisFindings<IntermittenceStatistics>? {
        let latency = recent.diskLatencyMs.isEmpty ? nil : Intermittence.diskLatency(recent.diskLatencyMs)
        let ioWait = recent.ioWaitPercent.isEmpty ? nil : Intermittence.ioWait(recent.ioWaitPercent)
        guard latency != nil || ioWait != nil else { return nil }
        let issues = [
            latency.flatMap { issue("disk_latency_ms", $0, language: language) },
            ioWait.flatMap { issue("io_wait_percent", $0, language: language) },
        ].compactMap { $0 }.bySeverity
        let summary =
            issues.isEmpty
            ? wording(language, fr: "Aucun problème intermittent détecté sur 7 jours.", en: "No intermittent problem in the last 7 days.")
            : issues.map(\.description).joined(separator: " ")
        return AnalysisFindings(
            statistics: IntermittenceStatistics(windowDays: windowDays, diskLatency: latency, ioWait: ioWait), issues: issues, summary: summary)
    }

    /// Escalating spikes are high; periodic or random ones medium; one or two isolated ones low.
    static func issue(_ metric: String, _ intermittence: Intermittence, language: AILanguage) -> AnalysisIssue? {
        let severity: AnalysisIssue.Severity
        let pattern: (fr: String, en: String)
        switch intermittence.pattern {
        case .none: return nil
        case .isolated: (severity, pattern) = (.low, ("isolés", "isolated"))
        case .random: (severity, pattern) = (.medium, ("aléatoires", "random"))
        case .periodic: (severity, pattern) = (.medium, ("périodiques", "periodic"))
        case .escalating: (severity, pattern) = (.high, ("en escalade", "escalating"))
        }
        let count = intermittence.episodes.count
        let threshold = format(intermittence.threshold)
        return AnalysisIssue(
            category: metric,
            title: wording(language, fr: "\(metric) : pics \(pattern.fr)", en: "\(metric): \(pattern.en) spikes"),
            description: wording(
                language, fr: "\(count) pic(s) de \(metric) au-dessus de \(threshold), \(pattern.fr).",
                en: "\(count) \(metric) spike(s) above \(threshold), \(pattern.en)."),
            severity: severity)
    }
}
