import Foundation

/// A metric's normal behaviour over the 7 days before an analysis, as `metric_baselines`
/// stores it (`baseline_mean`, `baseline_stddev`, `baseline_p95`) plus how many samples it
/// rests on (not a column: a baseline is recomputed from the roll-ups, and the count decides
/// whether it can be trusted).
struct Baseline: Sendable, Equatable {
    var mean: Double
    var standardDeviation: Double
    var p95: Double
    var sampleCount: Int

    /// The spec's baseline window: "Calcul baseline sur 7 jours (moyenne, écart-type)".
    static let window: TimeInterval = 7 * .day

    init(mean: Double, standardDeviation: Double, p95: Double, sampleCount: Int) {
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.p95 = p95
        self.sampleCount = sampleCount
    }

    /// The baseline of the samples in the `window` before `end` (excluded); nil below two samples.
    init?(samples: [Sample], endingAt end: Date, window: TimeInterval = Baseline.window) {
        let values = samples.cleaned.within(end.addingTimeInterval(-window), end).values
        guard let mean = Descriptive.mean(values), let deviation = Descriptive.standardDeviation(values),
            let p95 = Descriptive.percentile(values, 95)
        else { return nil }
        self.init(mean: mean, standardDeviation: deviation, p95: p95, sampleCount: values.count)
    }
}
