import Foundation

/// A run of consecutive samples above a threshold: one spike, however many samples it lasts.
struct SpikeEpisode: Sendable, Equatable {
    var start: Date
    var end: Date
    var peak: Double
    var peakTime: Date
    var sampleCount: Int

    /// The episodes of a series (finite samples, in time order) strictly above `threshold`.
    static func find(in samples: [Sample], above threshold: Double) -> [SpikeEpisode] {
        var episodes: [SpikeEpisode] = []
        var current: SpikeEpisode?
        for sample in samples.cleaned {
            guard sample.value > threshold else {
                if let open = current { episodes.append(open) }
                current = nil
                continue
            }
            if var open = current {
                open.end = sample.time
                open.sampleCount += 1
                if sample.value > open.peak { (open.peak, open.peakTime) = (sample.value, sample.time) }
                current = open
            } else {
                current = SpikeEpisode(start: sample.time, end: sample.time, peak: sample.value, peakTime: sample.time, sampleCount: 1)
            }
        }
        if let open = current { episodes.append(open) }
        return episodes
    }
}
