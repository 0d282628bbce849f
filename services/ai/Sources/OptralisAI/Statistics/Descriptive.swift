/// The basic summaries the analyses share. Each returns nil on input too small to answer,
/// never NaN or infinity (callers pass finite values: see `Array<Sample>.cleaned`).
enum Descriptive {
    static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    /// Sample standard deviation (n − 1); nil below two values.
    static func standardDeviation(_ values: [Double]) -> Double? {
        guard values.count >= 2, let mean = mean(values) else { return nil }
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / Double(values.count - 1)).squareRoot()
    }

    /// The `p`-th percentile (0…100), linearly interpolated between closest ranks
    /// (the "type 7" definition numpy and spreadsheets use).
    static func percentile(_ values: [Double], _ p: Double) -> Double? {
        percentile(sorted: values.sorted(), p)
    }

    static func percentile(sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty, p.isFinite else { return nil }
        let rank = min(max(p, 0), 100) / 100 * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - Double(lower))
    }

    static func median(_ values: [Double]) -> Double? {
        percentile(values, 50)
    }

    /// The coefficient of variation (standard deviation over mean); nil when the mean is zero.
    static func coefficientOfVariation(_ values: [Double]) -> Double? {
        guard let mean = mean(values), mean != 0, let deviation = standardDeviation(values) else { return nil }
        return deviation / abs(mean)
    }
}
