import Foundation

/// The ranges of the history routes (`?range=`): the short ones read raw samples, the long ones
/// the hourly roll-ups (spec "Continuous Aggregates", "Fallback vers données brutes").
enum HistoryRange: String, CaseIterable, Sendable {
    case hour = "1h", day = "24h", week = "7d", month = "30d"

    var hours: Int {
        switch self {
        case .hour: 1
        case .day: 24
        case .week: 168
        case .month: 720
        }
    }

    /// Raw samples are averaged into buckets of this many seconds (every sample for an hour).
    var rawBucketSeconds: Int { self == .hour ? 0 : 300 }

    /// 7 and 30 days come from the hourly roll-ups, unless they hold fewer points than this
    /// (a new installation): then the raw samples, one per hour.
    var usesRollups: Bool { self == .week || self == .month }
    static let minimumRollupPoints = 5

    init(query: String?) throws {
        guard let range = HistoryRange(rawValue: query ?? "24h") else {
            throw APIError.validation("range must be one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = range
    }
}
