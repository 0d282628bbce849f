import Foundation

/// A straight line fitted with the Theil–Sen estimator: the slope is the median of the slopes
/// between every pair of points, the intercept the median of `value − slope × time`. Up to
/// ~29 % of outliers (a spike, a reboot) leave it unchanged, unlike least squares.
///
/// Time is in days since `origin`; the slope is in units per day.
struct RobustLine: Sendable, Equatable {
    var origin: Date
    var slopePerDay: Double
    var interceptAtOrigin: Double
    /// Kendall's tau between time and value (−1…1): +1 when every later point is higher.
    /// Its magnitude says how steady the rise or fall is, whatever its speed.
    var monotonicity: Double
    /// Finite samples the line rests on (before any bucketing).
    var pointCount: Int

    /// Above this many points the series is first reduced to this many time buckets (the
    /// median of each), keeping the pairwise step at ~125,000 slopes.
    static let maximumPoints = 500

    /// Nil below two points or when every point has the same time.
    init?(_ samples: [Sample]) {
        let cleaned = samples.cleaned
        let points = Self.reduce(cleaned, to: Self.maximumPoints)
        guard points.count >= 2, let origin = points.first?.time else { return nil }
        let xs = points.map { $0.time.timeIntervalSince(origin) / .day }
        let ys = points.map(\.value)
        var slopes: [Double] = []
        slopes.reserveCapacity(points.count * (points.count - 1) / 2)
        var concordant = 0
        var discordant = 0
        for i in 0..<points.count {
            for j in (i + 1)..<points.count where xs[j] > xs[i] {
                let slope = (ys[j] - ys[i]) / (xs[j] - xs[i])
                slopes.append(slope)
                if slope > 0 { concordant += 1 } else if slope < 0 { discordant += 1 }
            }
        }
        guard let slope = Descriptive.median(slopes) else { return nil }
        let intercept = Descriptive.median(zip(xs, ys).map { $1 - slope * $0 }) ?? ys[0]
        self.origin = origin
        slopePerDay = slope
        interceptAtOrigin = intercept
        monotonicity = Double(concordant - discordant) / Double(slopes.count)
        pointCount = cleaned.count
    }

    func value(at date: Date) -> Double {
        interceptAtOrigin + slopePerDay * date.timeIntervalSince(origin) / .day
    }

    /// When the line crosses `level` in its direction of travel, from `after` on: `after` itself
    /// when it already has, nil when the line is flat or the crossing is more than a century out.
    func date(reaching level: Double, after: Date) -> Date? {
        guard slopePerDay != 0 else { return nil }
        let days = (level - value(at: after)) / slopePerDay
        guard days.isFinite, days < 36_500 else { return nil }
        return days <= 0 ? after : after.addingTimeInterval(days * .day)
    }

    /// Equal-time buckets, each the median time and median value of its samples.
    static func reduce(_ samples: [Sample], to limit: Int) -> [Sample] {
        guard samples.count > limit, let first = samples.first?.time, let last = samples.last?.time, last > first else { return samples }
        let span = last.timeIntervalSince(first)
        var buckets = [[Sample]](repeating: [], count: limit)
        for sample in samples {
            let index = min(limit - 1, Int(sample.time.timeIntervalSince(first) / span * Double(limit)))
            buckets[index].append(sample)
        }
        return buckets.compactMap { bucket in
            guard let value = Descriptive.median(bucket.map(\.value)),
                let time = Descriptive.median(bucket.map { $0.time.timeIntervalSinceReferenceDate })
            else { return nil }
            return Sample(time: Date(timeIntervalSinceReferenceDate: time), value: value)
        }
    }
}
