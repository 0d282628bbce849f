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

/// SplitMix64: a seeded generator, so "random" series are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
