import Foundation
@testable import OptralisAI
import OptralisTestSupport
import Testing

@Suite("Intermittence: disk latency > 50 ms, IO wait > 15 %")
struct IntermittenceTests {
    let now = SyntheticSeries.now

    /// Three days of 5-minute disk latency at 8 ms, with a 10-minute spike starting at each
    /// offset (in hours from the start) at the matching peak.
    func latency(spikesAt hours: [Double], peaks: [Double]) -> [Sample] {
        SyntheticSeries.make(days: 3, step: 300) { _, offset in
            for (hour, peak) in zip(hours, peaks) where offset >= hour * 3600 && offset < hour * 3600 + 600 {
                return peak
            }
            return 8
        }
    }

    @Test func spikes_every_six_hours_are_periodic() throws {
        let hours = stride(from: 2.0, to: 70, by: 6).map { $0 }
        let result = Intermittence.diskLatency(latency(spikesAt: hours, peaks: hours.indices.map { $0.isMultiple(of: 2) ? 80 : 75 }))
        #expect(result.episodes.count == hours.count)
        #expect(result.episodes.allSatisfy { $0.sampleCount == 2 })
        #expect(result.pattern == .periodic)
        #expect(abs((result.period ?? 0) - 6 * 3600) < 1)
    }

    @Test func rising_peaks_are_escalating() {
        let hours = stride(from: 2.0, to: 70, by: 6).map { $0 }
        let peaks = hours.indices.map { 55 + 12 * Double($0) }
        #expect(Intermittence.diskLatency(latency(spikesAt: hours, peaks: peaks)).pattern == .escalating)
    }

    @Test func shrinking_gaps_are_escalating() {
        // Gaps of 24, 12, 6, 3 hours at a constant peak.
        let result = Intermittence.diskLatency(latency(spikesAt: [1, 25, 37, 43, 46], peaks: Array(repeating: 90, count: 5)))
        #expect(result.pattern == .escalating)
    }

    @Test func irregular_spikes_are_random() {
        var generator = SeededGenerator(seed: 11)
        var hours: [Double] = []
        var hour = 1.0
        while hour < 68 {
            hours.append(hour)
            hour += Double.random(in: 1...12, using: &generator).rounded()
        }
        let peaks = hours.map { _ in Double.random(in: 55...120, using: &generator).rounded() }
        let result = Intermittence.diskLatency(latency(spikesAt: hours, peaks: peaks))
        #expect(result.episodes.count == hours.count)
        #expect(result.pattern == .random, "gaps \(zip(hours.dropFirst(), hours).map { $0 - $1 }), peaks \(peaks)")
    }

    @Test func the_threshold_is_strict_and_per_metric() {
        let exactly = SyntheticSeries.make(days: 1, step: 300) { index, _ in index.isMultiple(of: 20) ? 50 : 10 }
        #expect(Intermittence.diskLatency(exactly).pattern == .none)
        let ioWait = SyntheticSeries.make(days: 1, step: 300) { index, _ in index.isMultiple(of: 48) ? 16 : 3 }
        let result = Intermittence.ioWait(ioWait)
        #expect(result.threshold == 15 && result.episodes.count == 7 && result.pattern == .periodic)
        #expect(abs(result.spikeRatio - 7.0 / 289) < 1e-9)
    }

    @Test func one_or_two_spikes_are_isolated() {
        #expect(Intermittence.diskLatency(latency(spikesAt: [10, 40], peaks: [90, 95])).pattern == .isolated)
    }

    @Test func empty_and_constant_series() {
        let empty = Intermittence.diskLatency([])
        #expect(empty.pattern == .none && empty.spikeRatio == 0 && empty.episodes.isEmpty)
        let high = Intermittence.diskLatency(SyntheticSeries.constant(80, days: 1))
        #expect(high.episodes.count == 1 && high.spikeRatio == 1 && high.pattern == .isolated)
    }
}
