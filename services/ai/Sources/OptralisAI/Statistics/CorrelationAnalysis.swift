import Foundation

/// Finds the events that precede each spike of a metric (`/ai/correlate`).
///
/// A spike is an episode above `spikeThreshold` (``SpikeEpisode``). The candidates for a spike
/// are the events from `lookback` before its start to `tolerance` after it, grouped by kind
/// (``SystemEvent/key``). Each group scores
///
///     confidence = 0.5 × specificity + 0.35 × proximity + 0.15 × burst
///
/// - specificity: the share of all events of that kind in the series that were followed by a
///   spike within the window. An event that happens every hour whatever the metric does scores
///   low even when one of its occurrences falls just before a spike;
/// - proximity: 1 for an event at the spike's start, falling linearly to 0 at `lookback`;
/// - burst: how many events of that kind the window holds, 1 from three on (a burst of errors
///   is a stronger sign than one line).
///
/// Groups below `minimumConfidence` are dropped; a spike with no group left has no correlation.
struct CorrelationAnalysis: Sendable {
    var lookback: TimeInterval = 10 * 60
    var tolerance: TimeInterval = 60
    var minimumConfidence = 0.6

    /// Correlations for every spike with a likely cause, most confident first.
    func correlate(metric: String, samples: [Sample], spikeThreshold: Double, events: [SystemEvent]) -> [EventCorrelation] {
        let spikes = SpikeEpisode.find(in: samples, above: spikeThreshold)
        let events = events.filter { $0.time.timeIntervalSinceReferenceDate.isFinite }.sorted { $0.time < $1.time }
        guard !spikes.isEmpty, !events.isEmpty else { return [] }
        let occurrences = Dictionary(grouping: events, by: \.key).mapValues(\.count)
        // Indices, so an event in the windows of two spikes counts once toward its kind's specificity.
        var followedBySpike: [String: Set<Int>] = [:]
        var spikesPreceded: [String: Int] = [:]
        var windows: [[String: [SystemEvent]]] = []
        for spike in spikes {
            let candidates = events.indices.filter { isCandidate(events[$0], for: spike) }
            for index in candidates { followedBySpike[events[index].key, default: []].insert(index) }
            let window = Dictionary(grouping: candidates.map { events[$0] }, by: \.key)
            for key in window.keys { spikesPreceded[key, default: 0] += 1 }
            windows.append(window)
        }
        var correlations: [EventCorrelation] = []
        for (spike, window) in zip(spikes, windows) {
            var related: [SystemEvent] = []
            var best: (confidence: Double, key: String)?
            for (key, group) in window {
                let specificity = Double(followedBySpike[key]?.count ?? 0) / Double(occurrences[key] ?? 1)
                let lead = group.map { max(0, spike.start.timeIntervalSince($0.time)) }.min() ?? lookback
                let proximity = max(0, 1 - lead / lookback)
                let burst = min(1, Double(group.count) / 3)
                let confidence = 0.5 * specificity + 0.35 * proximity + 0.15 * burst
                guard confidence >= minimumConfidence else { continue }
                related += group
                if confidence > best?.confidence ?? -1 { best = (confidence, key) }
            }
            guard let best else { continue }
            correlations.append(
                EventCorrelation(
                    metric: metric, spike: spike, relatedEvents: related.sorted { $0.time < $1.time },
                    confidence: (best.confidence * 100).rounded() / 100, recurrence: spikesPreceded[best.key] ?? 1))
        }
        return correlations.sorted { $0.confidence > $1.confidence }
    }

    private func isCandidate(_ event: SystemEvent, for spike: SpikeEpisode) -> Bool {
        event.time >= spike.start.addingTimeInterval(-lookback) && event.time <= spike.start.addingTimeInterval(tolerance)
    }
}
