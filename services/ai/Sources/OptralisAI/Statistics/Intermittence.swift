import Foundation

/// Sporadic problems (`/ai/analyze/intermittent`): the spike episodes of a series above the
/// spec's threshold — disk latency above 50 ms, IO wait above 15 % — and their pattern.
///
/// Classification, checked in this order (the spec names the patterns, not the rules; these are ours):
/// 1. escalating: peaks rise steadily (Kendall's tau of peak against time ≥ 0.6 and the last peak
///    at least 25 % above the first), or the gaps between spikes shrink steadily (tau ≤ −0.6 and
///    the last gap at most half the first);
/// 2. periodic: the gaps between spike starts vary little (coefficient of variation ≤ 0.25);
/// 3. random: anything else.
struct Intermittence: Sendable, Equatable {
    var threshold: Double
    var episodes: [SpikeEpisode]
    /// Share of the samples above the threshold (0…1): a high share is a sustained problem
    /// rather than an intermittent one.
    var spikeRatio: Double
    var pattern: IntermittencePattern
    /// The median gap between spike starts, when the pattern is periodic.
    var period: TimeInterval?

    static let diskLatencyThresholdMs = 50.0
    static let ioWaitThresholdPercent = 15.0
    static let periodicVariation = 0.25
    static let escalationMonotonicity = 0.6

    init(_ samples: [Sample], threshold: Double) {
        let cleaned = samples.cleaned
        self.threshold = threshold
        episodes = SpikeEpisode.find(in: cleaned, above: threshold)
        spikeRatio = cleaned.isEmpty ? 0 : Double(cleaned.count(where: { $0.value > threshold })) / Double(cleaned.count)
        (pattern, period) = Self.classify(episodes)
    }

    static func diskLatency(_ samples: [Sample]) -> Intermittence {
        Intermittence(samples, threshold: diskLatencyThresholdMs)
    }

    static func ioWait(_ samples: [Sample]) -> Intermittence {
        Intermittence(samples, threshold: ioWaitThresholdPercent)
    }

    static func classify(_ episodes: [SpikeEpisode]) -> (IntermittencePattern, TimeInterval?) {
        if episodes.isEmpty { return (.none, nil) }
        if episodes.count < 3 { return (.isolated, nil) }
        let gaps = zip(episodes.dropFirst(), episodes).map { $0.start.timeIntervalSince($1.start) }
        if isEscalating(episodes, gaps: gaps) { return (.escalating, nil) }
        if let variation = Descriptive.coefficientOfVariation(gaps), variation <= periodicVariation {
            return (.periodic, Descriptive.median(gaps))
        }
        return (.random, nil)
    }

    private static func isEscalating(_ episodes: [SpikeEpisode], gaps: [TimeInterval]) -> Bool {
        let peaks = episodes.map { Sample(time: $0.start, value: $0.peak) }
        if let trend = RobustLine(peaks), trend.monotonicity >= escalationMonotonicity,
            let first = episodes.first?.peak, let last = episodes.last?.peak, last >= first * 1.25
        {
            return true
        }
        let spacing = zip(episodes.dropFirst(), gaps).map { Sample(time: $0.start, value: $1) }
        if let trend = RobustLine(spacing), trend.monotonicity <= -escalationMonotonicity,
            let first = gaps.first, let last = gaps.last, last <= first / 2
        {
            return true
        }
        return false
    }
}
