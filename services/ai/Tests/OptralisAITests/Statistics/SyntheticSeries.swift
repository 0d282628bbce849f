import Foundation
@testable import OptralisAI

/// Synthetic metric series with known answers.
enum SyntheticSeries {
    /// A fixed "now" so the tests do not depend on the clock.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Samples every `step` seconds over the `days` before `end` (inclusive), valued by `value(index, secondsFromStart)`.
    static func make(days: Double, step: TimeInterval, end: Date = now, _ value: (Int, TimeInterval) -> Double) -> [Sample] {
        let count = Int(days * 86_400 / step)
        let start = end.addingTimeInterval(-Double(count) * step)
        return (0...count).map { index in
            let offset = Double(index) * step
            return Sample(time: start.addingTimeInterval(offset), value: value(index, offset))
        }
    }

    static func constant(_ level: Double, days: Double = 7, step: TimeInterval = 3600) -> [Sample] {
        make(days: days, step: step) { _, _ in level }
    }
}
