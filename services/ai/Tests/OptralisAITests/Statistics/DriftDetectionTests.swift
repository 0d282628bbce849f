import Foundation
@testable import OptralisAI
import OptralisTestSupport
import Testing

@Suite("Drift detection (z-score against a 7-day baseline)")
struct DriftDetectionTests {
    let now = SyntheticSeries.now

    /// Seven days of hourly samples alternating 40 and 50, then a last hour at `current`.
    func steppedSeries(current: Double) -> [Sample] {
        let baseline = SyntheticSeries.make(days: 7, step: 3600, end: now.addingTimeInterval(-3600)) { index, _ in index.isMultiple(of: 2) ? 40 : 50 }
            .dropLast()
        let lastHour = (0..<6).map { Sample(time: now.addingTimeInterval(-3000 + Double($0) * 600), value: current) }
        return Array(baseline) + lastHour
    }

    @Test func a_flat_series_shows_no_drift() throws {
        var generator = SeededGenerator(seed: 7)
        let samples = SyntheticSeries.make(days: 8, step: 600) { _, _ in 35 + Double.random(in: -1...1, using: &generator) }
        let (baseline, drift) = try #require(DriftAssessment.assess(samples, now: now))
        #expect(abs(baseline.mean - 35) < 0.1)
        #expect(abs(drift.zScore) < 2)
        #expect(!drift.driftDetected && drift.severity == nil)
    }

    @Test func a_step_change_gives_the_expected_z_score() throws {
        // 168 values alternating ±5 around 45: sample deviation 5 × √(168/167).
        let deviation = 5 * (168.0 / 167).squareRoot()
        let (baseline, critical) = try #require(DriftAssessment.assess(steppedSeries(current: 65), now: now))
        #expect(baseline.sampleCount == 168)
        #expect(abs(baseline.mean - 45) < 1e-9 && abs(baseline.standardDeviation - deviation) < 1e-9)
        #expect(critical.zScore == ((20 / deviation) * 100).rounded() / 100)
        #expect(critical.severity == .critical)

        let warning = try #require(DriftAssessment.assess(steppedSeries(current: 57), now: now)).drift
        #expect(abs(warning.zScore - 12 / deviation) < 0.005)
        #expect(warning.severity == .warning)

        let none = try #require(DriftAssessment.assess(steppedSeries(current: 54), now: now)).drift
        #expect(none.severity == nil, "z = 1.79 is below the warning threshold")
    }

    @Test func thresholds_are_strictly_greater_than() {
        let baseline = Baseline(mean: 10, standardDeviation: 1, p95: 12, sampleCount: 100)
        #expect(DriftAssessment(current: 12, baseline: baseline).severity == nil)
        #expect(DriftAssessment(current: 12.01, baseline: baseline).severity == .warning)
        #expect(DriftAssessment(current: 13, baseline: baseline).severity == .warning)
        #expect(DriftAssessment(current: 13.01, baseline: baseline).severity == .critical)
    }

    @Test func a_fall_is_not_a_drift() {
        let drift = DriftAssessment(current: 5, baseline: Baseline(mean: 45, standardDeviation: 5, p95: 50, sampleCount: 168))
        #expect(drift.zScore == -8)
        #expect(!drift.driftDetected)
    }

    @Test func a_constant_baseline_keeps_z_finite() throws {
        let same = try #require(DriftAssessment.assess(SyntheticSeries.constant(20, days: 8), now: now)).drift
        #expect(same.zScore == 0 && !same.driftDetected)
        let baseline = try #require(Baseline(samples: SyntheticSeries.constant(20), endingAt: now))
        #expect(baseline.standardDeviation == 0)
        let risen = DriftAssessment(current: 21, baseline: baseline)
        #expect(risen.zScore == 100 && risen.severity == .critical)
        let huge = DriftAssessment(current: 1e12, baseline: baseline)
        #expect(huge.zScore == DriftAssessment.zScoreLimit)
    }

    @Test func a_baseline_on_few_samples_is_not_acted_on() {
        let drift = DriftAssessment(current: 100, baseline: Baseline(mean: 10, standardDeviation: 1, p95: 12, sampleCount: 10))
        #expect(drift.zScore == 90)
        #expect(!drift.baselineIsReliable && drift.severity == nil)
    }

    @Test func empty_or_single_sample_series_have_no_assessment() {
        #expect(DriftAssessment.assess([], now: now) == nil)
        #expect(DriftAssessment.assess([Sample(time: now, value: 3)], now: now) == nil)
        #expect(Baseline(samples: [Sample(time: now.addingTimeInterval(-60), value: 3)], endingAt: now) == nil)
    }

    @Test func the_current_hour_is_not_part_of_the_baseline() throws {
        let (baseline, _) = try #require(DriftAssessment.assess(steppedSeries(current: 1000), now: now))
        #expect(baseline.mean == 45)
    }
}
