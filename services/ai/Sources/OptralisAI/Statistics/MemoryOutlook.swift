import Foundation

/// The memory side of capacity planning (`"ram": {"avg_usage_percent", "trend"}`): the mean
/// use over the last `windowDays` and its trend against the window before.
struct MemoryOutlook: Sendable, Equatable {
    var averageUsagePercent: Double
    var trend: TrendDirection

    /// Nil when the window has no sample.
    init?(_ samples: [Sample], now: Date, windowDays: Int = 30) {
        let cleaned = samples.cleaned
        let length = TimeInterval(windowDays) * .day
        let start = now.addingTimeInterval(-length)
        guard let average = Descriptive.mean(cleaned.filter { $0.time >= start && $0.time <= now }.values) else { return nil }
        averageUsagePercent = average
        trend = TrendDirection.comparing(average, to: Descriptive.mean(cleaned.within(start.addingTimeInterval(-length), start).values))
    }
}
