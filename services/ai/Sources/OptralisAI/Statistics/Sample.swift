import Foundation

/// One point of a metric series: when it was measured and its value (percent, ms, GB…).
/// Every statistic in this folder takes arrays of samples; non-finite values are ignored.
struct Sample: Sendable, Equatable {
    var time: Date
    var value: Double

    init(time: Date, value: Double) {
        self.time = time
        self.value = value
    }
}

extension Array where Element == Sample {
    /// The finite samples in time order: what every statistic works on.
    var cleaned: [Sample] {
        filter { $0.value.isFinite && $0.time.timeIntervalSinceReferenceDate.isFinite }.sorted { $0.time < $1.time }
    }

    /// Samples with `start <= time < end`.
    func within(_ start: Date, _ end: Date) -> [Sample] {
        filter { $0.time >= start && $0.time < end }
    }

    var values: [Double] { map(\.value) }
}

extension TimeInterval {
    static let day: TimeInterval = 86_400
    /// Capacity planning's month: 30 days.
    static let month: TimeInterval = 30 * day
}
