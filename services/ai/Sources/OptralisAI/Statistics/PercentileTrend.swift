import Foundation

/// The p95/p99 of a metric over a window (7 or 30 days, `/ai/analyze/trends`) and which way
/// they moved: the window's p95 against the p95 of the window of the same length just before
/// it, with ``TrendDirection/comparing(_:to:threshold:minimumChange:)``'s 15 % rule.
struct PercentileTrend: Sendable, Equatable {
    var windowDays: Int
    var sampleCount: Int
    var p95: Double
    var p99: Double
    /// Nil when the previous window has no sample (the trend is then `unknown`).
    var previousP95: Double?
    var previousP99: Double?
    var trend: TrendDirection

    /// The spec's two windows ("Analyse les tendances sur 7 ou 30 jours").
    static let standardWindows = [7, 30]

    /// Nil when the window holds no sample.
    init?(_ samples: [Sample], windowDays: Int, now: Date) {
        guard windowDays > 0 else { return nil }
        let cleaned = samples.cleaned
        let length = TimeInterval(windowDays) * .day
        let start = now.addingTimeInterval(-length)
        let current = cleaned.filter { $0.time >= start && $0.time <= now }.values.sorted()
        guard let p95 = Descriptive.percentile(sorted: current, 95), let p99 = Descriptive.percentile(sorted: current, 99) else { return nil }
        let previous = cleaned.within(start.addingTimeInterval(-length), start).values.sorted()
        self.windowDays = windowDays
        sampleCount = current.count
        self.p95 = p95
        self.p99 = p99
        previousP95 = Descriptive.percentile(sorted: previous, 95)
        previousP99 = Descriptive.percentile(sorted: previous, 99)
        trend = TrendDirection.comparing(p95, to: previousP95)
    }

    /// One trend per window of ``standardWindows`` that has data.
    static func standard(_ samples: [Sample], now: Date) -> [PercentileTrend] {
        standardWindows.compactMap { PercentileTrend(samples, windowDays: $0, now: now) }
    }
}
