import Foundation
@testable import OptralisAI
import Testing

@Suite("p95/p99 over 7 and 30 days")
struct PercentileTrendTests {
    let now = SyntheticSeries.now

    /// 1…100 repeated in the last `days`, `scale` times that in the window before.
    func series(days: Int, scale: Double?) -> [Sample] {
        let step = Double(days) * 86_400 / 1000
        var samples = (0..<1000).map { Sample(time: now.addingTimeInterval(-Double($0) * step), value: Double($0 % 100 + 1)) }
        if let scale {
            samples += (0..<1000).map {
                Sample(time: now.addingTimeInterval(-Double(days) * 86_400 - Double($0 + 1) * step), value: Double($0 % 100 + 1) * scale)
            }
        }
        return samples
    }

    @Test func percentiles_of_a_known_distribution() throws {
        let trend = try #require(PercentileTrend(series(days: 7, scale: nil), windowDays: 7, now: now))
        #expect(trend.sampleCount == 1000)
        #expect(abs(trend.p95 - 95.05) < 0.01)
        #expect(abs(trend.p99 - 99.01) < 0.01)
        #expect(trend.previousP95 == nil && trend.trend == .unknown)
    }

    @Test func trend_compares_with_the_window_before() throws {
        #expect(try #require(PercentileTrend(series(days: 7, scale: 0.5), windowDays: 7, now: now)).trend == .increasing)
        #expect(try #require(PercentileTrend(series(days: 7, scale: 1), windowDays: 7, now: now)).trend == .stable)
        #expect(try #require(PercentileTrend(series(days: 30, scale: 1.5), windowDays: 30, now: now)).trend == .decreasing)
    }

    @Test func standard_windows_are_seven_and_thirty_days() {
        let trends = PercentileTrend.standard(series(days: 30, scale: nil), now: now)
        #expect(trends.map(\.windowDays) == [7, 30])
        #expect(trends.allSatisfy { $0.p95.isFinite && $0.p99.isFinite })
    }

    @Test func an_empty_window_has_no_trend() {
        #expect(PercentileTrend([], windowDays: 7, now: now) == nil)
        #expect(PercentileTrend(SyntheticSeries.constant(5), windowDays: 0, now: now) == nil)
        let single = PercentileTrend([Sample(time: now, value: 4)], windowDays: 7, now: now)
        #expect(single?.p95 == 4 && single?.p99 == 4)
    }
}
