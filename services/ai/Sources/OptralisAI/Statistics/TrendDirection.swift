/// Which way a metric is going, as the API reports it (`"trend": "stable"`).
enum TrendDirection: String, Sendable, Codable, Equatable {
    case increasing
    case stable
    case decreasing
    /// Not enough history to compare.
    case unknown

    /// Compares two levels of the same metric: a relative change of at least `threshold`
    /// (default 15 %, the spec's "variation ≥ 15 %" for a significant CPU/RAM/disk change)
    /// either way is a trend; a smaller one is stable. A change below `minimumChange` units
    /// (one percentage point, one millisecond) is stable whatever its ratio, so 1 % → 1.3 % CPU
    /// is not a 30 % rise.
    static func comparing(_ current: Double?, to previous: Double?, threshold: Double = 0.15, minimumChange: Double = 1) -> TrendDirection {
        guard let current, let previous else { return .unknown }
        let difference = current - previous
        guard abs(difference) >= minimumChange, abs(difference) >= threshold * abs(previous) else { return .stable }
        return difference > 0 ? .increasing : .decreasing
    }
}
