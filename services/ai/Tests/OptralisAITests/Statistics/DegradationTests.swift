import Foundation
@testable import OptralisAI
import OptralisTestSupport
import Testing

@Suite("Progressive degradation (Theil–Sen) and saturation dates")
struct DegradationTests {
    let now = SyntheticSeries.now

    /// 50 % twenty days ago, +1 point a day: 70 % now, 90 % in 20 days, 100 % in 30.
    func ramp(noise: Double = 0, outliersEvery: Int? = nil) -> [Sample] {
        var generator = SeededGenerator(seed: 42)
        return SyntheticSeries.make(days: 20, step: 3600) { index, offset in
            if let outliersEvery, index % outliersEvery == 0 { return 100 }
            return 50 + offset / 86_400 + (noise > 0 ? Double.random(in: -noise...noise, using: &generator) : 0)
        }
    }

    @Test func a_linear_ramp_predicts_the_saturation_date_within_a_day() throws {
        let result = try #require(Degradation(ramp(noise: 2), now: now, criticalThreshold: 90))
        #expect(result.isDegrading)
        #expect(abs(result.slopePerDay - 1) < 0.05)
        #expect(abs(result.fittedValue - 70) < 0.5)
        let critical = try #require(result.predictedCriticalDate)
        let saturation = try #require(result.predictedSaturationDate)
        #expect(abs(critical.timeIntervalSince(now.addingTimeInterval(20 * 86_400))) < 86_400)
        #expect(abs(saturation.timeIntervalSince(now.addingTimeInterval(30 * 86_400))) < 86_400)
        #expect((19...20).contains(result.daysUntilCritical ?? -1))
        #expect((29...30).contains(result.daysUntilSaturation ?? -1))
    }

    @Test func outliers_do_not_bend_the_line() throws {
        // Every tenth sample pinned at 100 %: least squares would tilt; Theil–Sen does not.
        let result = try #require(Degradation(ramp(outliersEvery: 10), now: now, criticalThreshold: 90))
        #expect(abs(result.slopePerDay - 1) < 0.1)
        let critical = try #require(result.predictedCriticalDate)
        #expect(abs(critical.timeIntervalSince(now.addingTimeInterval(20 * 86_400))) < 86_400)
    }

    @Test func a_flat_or_falling_series_is_not_degrading() throws {
        var generator = SeededGenerator(seed: 3)
        let flat = SyntheticSeries.make(days: 14, step: 3600) { _, _ in 40 + Double.random(in: -5...5, using: &generator) }
        let flatResult = try #require(Degradation(flat, now: now, criticalThreshold: 90))
        #expect(!flatResult.isDegrading && flatResult.predictedCriticalDate == nil)
        let falling = SyntheticSeries.make(days: 14, step: 3600) { _, offset in 80 - offset / 86_400 }
        let fallingResult = try #require(Degradation(falling, now: now, criticalThreshold: 90))
        #expect(!fallingResult.isDegrading && fallingResult.slopePerDay < 0 && fallingResult.daysUntilCritical == nil)
    }

    @Test func a_slow_rise_below_five_points_a_month_is_not_degrading() throws {
        let slow = SyntheticSeries.make(days: 30, step: 3600) { _, offset in 40 + 0.1 * offset / 86_400 }
        let result = try #require(Degradation(slow, now: now, criticalThreshold: 90))
        #expect(result.slopePerDay > 0 && !result.isDegrading)
    }

    @Test func less_than_a_day_of_data_is_not_a_trend() throws {
        let steep = SyntheticSeries.make(days: 0.5, step: 600) { _, offset in 40 + offset / 3600 }
        let result = try #require(Degradation(steep, now: now, criticalThreshold: 90))
        #expect(!result.isDegrading)
    }

    @Test func a_level_already_passed_is_due_now() throws {
        let result = try #require(Degradation(ramp(), now: now, criticalThreshold: 60))
        #expect(result.predictedCriticalDate == now && result.daysUntilCritical == 0)
    }

    @Test func edge_cases_give_nil_not_nan() {
        #expect(Degradation([], now: now, criticalThreshold: 90) == nil)
        #expect(Degradation([Sample(time: now, value: 5)], now: now, criticalThreshold: 90) == nil)
        #expect(Degradation([Sample(time: now, value: 5), Sample(time: now, value: 9)], now: now, criticalThreshold: 90) == nil)
        let constant = Degradation(SyntheticSeries.constant(30), now: now, criticalThreshold: 90)
        #expect(constant?.slopePerDay == 0 && constant?.monotonicity == 0 && constant?.isDegrading == false)
    }

    @Test func long_series_are_bucketed_before_the_pairwise_step() throws {
        // 30 days every 10 s (259,201 samples), as the benchmark describes.
        let samples = SyntheticSeries.make(days: 30, step: 10) { _, offset in 20 + offset / 86_400 }
        let line = try #require(RobustLine(samples))
        #expect(line.pointCount == samples.count)
        #expect(abs(line.slopePerDay - 1) < 0.01)
    }
}
