import Foundation

/// Progressive degradation (`/ai/analyze/degradation`: "CPU/RAM/disque qui augmentent
/// lentement, avec prédiction de date critique"): a robust line (``RobustLine``, Theil–Sen)
/// through the series, and the dates it reaches the critical threshold and saturation.
///
/// A series is degrading when all of these hold (the spec gives no figures; these are ours):
/// - it spans at least ``minimumSpan`` (a day): a slope from an hour of data means nothing;
/// - the line rises by at least ``minimumRisePerMonth`` units in 30 days (5 points of a percent);
/// - the rise is steady: Kendall's tau between time and value is at least ``minimumMonotonicity``
///   (0.5), so a noisy flat series with one late spike is not a trend.
/// Predicted dates are given only for a degrading series.
struct Degradation: Sendable, Equatable {
    var slopePerDay: Double
    /// The fitted line's value at the analysis time (the noise-free "current" level).
    var fittedValue: Double
    var monotonicity: Double
    var isDegrading: Bool
    var criticalThreshold: Double
    var saturationLevel: Double
    var predictedCriticalDate: Date?
    var predictedSaturationDate: Date?
    /// Whole days from the analysis to the critical date, rounded down (0 when already there).
    var daysUntilCritical: Int?
    var daysUntilSaturation: Int?

    static let minimumSpan: TimeInterval = .day
    static let minimumRisePerMonth = 5.0
    static let minimumMonotonicity = 0.5

    /// Nil when the series has fewer than two samples at different times.
    init?(_ samples: [Sample], now: Date, criticalThreshold: Double, saturationLevel: Double = 100) {
        let cleaned = samples.cleaned
        guard let line = RobustLine(cleaned), let first = cleaned.first?.time, let last = cleaned.last?.time else { return nil }
        slopePerDay = line.slopePerDay
        fittedValue = line.value(at: now)
        monotonicity = line.monotonicity
        self.criticalThreshold = criticalThreshold
        self.saturationLevel = saturationLevel
        isDegrading =
            last.timeIntervalSince(first) >= Self.minimumSpan
            && line.slopePerDay * TimeInterval.month / .day >= Self.minimumRisePerMonth
            && line.monotonicity >= Self.minimumMonotonicity
        guard isDegrading else { return }
        predictedCriticalDate = line.date(reaching: criticalThreshold, after: now)
        predictedSaturationDate = line.date(reaching: saturationLevel, after: now)
        daysUntilCritical = predictedCriticalDate.map { Self.wholeDays(from: now, to: $0) }
        daysUntilSaturation = predictedSaturationDate.map { Self.wholeDays(from: now, to: $0) }
    }

    static func wholeDays(from start: Date, to end: Date) -> Int {
        max(0, Int((end.timeIntervalSince(start) / .day).rounded(.down)))
    }
}
