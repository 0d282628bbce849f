import Foundation

/// `/ai/correlate`: the spikes of CPU, RAM (above 90 %) and disk latency (above 50 ms) over the
/// last 24 hours (one-minute maxima), each with the system events that likely caused it.
struct CorrelationStatistics: Sendable, Encodable {
    struct Found: Sendable, Encodable {
        var correlation: EventCorrelation
        /// Ours, from the events' source; Claude's narrative words it better when it is there.
        var rootCause: String

        enum CodingKeys: String, CodingKey { case correlation, rootCause = "root_cause" }

        func encode(to encoder: any Encoder) throws {
            try correlation.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rootCause, forKey: .rootCause)
        }
    }

    var windowHours: Int
    var spikeCount: Int
    var eventCount: Int
    var correlations: [Found]

    enum CodingKeys: String, CodingKey { case windowHours = "window_hours", spikeCount = "spike_count", eventCount = "event_count", correlations }

    static let windowHours = 24
    static let cpuThreshold = 90.0
    static let ramThreshold = 90.0

    static func findings(_ recent: MachineSeriesStore.Recent, events: [SystemEvent], language: AILanguage) -> AnalysisFindings<CorrelationStatistics>? {
        guard !recent.cpu.isEmpty || !recent.ram.isEmpty || !recent.diskLatencyMs.isEmpty else { return nil }
        let analysis = CorrelationAnalysis()
        var spikes = 0
        var found: [Found] = []
        let watched = [
            ("cpu", cpuThreshold, recent.cpu), ("ram", ramThreshold, recent.ram),
            ("disk_latency_ms", Intermittence.diskLatencyThresholdMs, recent.diskLatencyMs),
        ]
        for (metric, threshold, samples) in watched {
            spikes += SpikeEpisode.find(in: samples, above: threshold).count
            for correlation in analysis.correlate(metric: metric, samples: samples, spikeThreshold: threshold, events: events) {
                found.append(Found(correlation: correlation, rootCause: rootCause(correlation, language: language)))
            }
        }
        found.sort { $0.correlation.confidence > $1.correlation.confidence }
        let issues = found.prefix(5).map { item in
            AnalysisIssue(
                category: item.correlation.metric,
                title: wording(language, fr: "\(item.correlation.metric) : pic corrélé", en: "\(item.correlation.metric): correlated spike"),
                description: item.rootCause, severity: item.correlation.confidence >= 0.8 ? .high : .medium)
        }
        let summary =
            found.isEmpty
            ? wording(
                language, fr: "\(spikes) pic(s) sur 24 h, aucun relié à un événement système.",
                en: "\(spikes) spike(s) in 24 h, none tied to a system event.")
            : wording(
                language, fr: "\(found.count) pic(s) sur \(spikes) reliés à des événements système.",
                en: "\(found.count) of \(spikes) spike(s) tied to system events.")
        return AnalysisFindings(
            statistics: CorrelationStatistics(windowHours: windowHours, spikeCount: spikes, eventCount: events.count, correlations: found),
            issues: Array(issues), summary: summary)
    }

    static func rootCause(_ correlation: EventCorrelation, language: AILanguage) -> String {
        let sources = Array(Set(correlation.relatedEvents.map(\.source).filter { !$0.isEmpty })).sorted().joined(separator: ", ")
        let peak = format(correlation.spike.peak)
        return wording(
            language,
            fr: "Événements \(sources) juste avant le pic de \(correlation.metric) à \(peak) (\(correlation.recurrence) pic(s) précédés de même).",
            en: "\(sources) events just before the \(correlation.metric) spike to \(peak) (\(correlation.recurrence) spike(s) preceded alike).")
    }
}
