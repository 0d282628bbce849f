import Foundation
@testable import OptralisAI
import Testing

@Suite("Descriptive statistics")
struct DescriptiveTests {
    @Test func percentiles_interpolate_between_closest_ranks() {
        #expect(Descriptive.percentile([1, 2, 3, 4], 50) == 2.5)
        #expect(Descriptive.percentile(Array(1...101).map(Double.init), 95) == 96)
        #expect(Descriptive.percentile([4, 1, 3, 2], 0) == 1)
        #expect(Descriptive.percentile([4, 1, 3, 2], 100) == 4)
        #expect(Descriptive.percentile([7], 99) == 7)
    }

    @Test func standard_deviation_is_the_sample_one() throws {
        let deviation = try #require(Descriptive.standardDeviation([2, 4, 4, 4, 5, 5, 7, 9]))
        #expect(abs(deviation - 2.138_090) < 1e-6)
        #expect(Descriptive.standardDeviation([3, 3, 3]) == 0)
    }

    @Test func too_little_input_gives_nil_rather_than_nan() {
        #expect(Descriptive.mean([]) == nil)
        #expect(Descriptive.percentile([], 50) == nil)
        #expect(Descriptive.standardDeviation([5]) == nil)
        #expect(Descriptive.coefficientOfVariation([0, 0]) == nil)
    }

    @Test func cleaning_drops_non_finite_values_and_sorts_by_time() {
        let base = SyntheticSeries.now
        let samples = [
            Sample(time: base.addingTimeInterval(60), value: 2), Sample(time: base, value: .nan),
            Sample(time: base.addingTimeInterval(30), value: .infinity), Sample(time: base.addingTimeInterval(-60), value: 1),
        ]
        #expect(samples.cleaned.values == [1, 2])
    }

    @Test func trend_needs_fifteen_percent_and_one_unit() {
        #expect(TrendDirection.comparing(57.5, to: 50) == .increasing)
        #expect(TrendDirection.comparing(57, to: 50) == .stable)
        #expect(TrendDirection.comparing(40, to: 50) == .decreasing)
        #expect(TrendDirection.comparing(1.3, to: 1) == .stable, "a 30 % rise of less than one point is noise")
        #expect(TrendDirection.comparing(2, to: 0) == .increasing)
        #expect(TrendDirection.comparing(2, to: nil) == .unknown)
    }
}
