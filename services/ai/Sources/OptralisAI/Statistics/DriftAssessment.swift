import Foundation

/// The spec's drift detection ("Drift Detection - Fonctionnement"):
/// z = (current − baseline mean) / baseline standard deviation; z > 2 is a warning drift,
/// z > 3 a critical one (`metric_baselines.warning_threshold` / `critical_threshold`).
///
/// The watched metrics (cpu_percent, ram_percent, disk_latency_ms) are worse when higher, so
/// only a rise is a drift, as the spec words it: a fall keeps its negative z but is not flagged.
struct DriftAssessment: Sendable, Equatable {
    var currentValue: Double
    /// Rounded to 2 decimals and kept within ±9999.99 (`z_score` is `DECIMAL(10,2)`).
    var zScore: Double
    /// Nil when there is no drift, or when the baseline rests on too few samples.
    var severity: DriftSeverity?
    /// False when the baseline had fewer than `minimumSamples`: z is shown, not acted on.
    var baselineIsReliable: Bool

    var driftDetected: Bool { severity != nil }

    static let warningThreshold = 2.0
    static let criticalThreshold = 3.0
    /// A day of hourly roll-ups: fewer samples make the standard deviation meaningless.
    static let minimumSamples = 24
    /// `baseline_stddev` is stored with two decimals, so a deviation below 0.01 is "flat":
    /// dividing by this floor keeps z finite for a constant baseline.
    static let standardDeviationFloor = 0.01
    static let zScoreLimit = 9999.99

    init(
        current: Double, baseline: Baseline, warningThreshold: Double = Self.warningThreshold,
        criticalThreshold: Double = Self.criticalThreshold, minimumSamples: Int = Self.minimumSamples
    ) {
        currentValue = current
        let deviation = max(baseline.standardDeviation, Self.standardDeviationFloor)
        let raw = current.isFinite && baseline.mean.isFinite ? (current - baseline.mean) / deviation : 0
        zScore = (min(max(raw, -Self.zScoreLimit), Self.zScoreLimit) * 100).rounded() / 100
        baselineIsReliable = baseline.sampleCount >= minimumSamples
        severity =
            if !baselineIsReliable { nil } else if zScore > criticalThreshold { .critical } else if zScore > warningThreshold { .warning } else { nil }
    }
}

extension DriftAssessment {
    /// The spec's "current value": the mean of the last hour (`current_value`, "dernière heure").
    static let currentWindow: TimeInterval = 3600

    /// Drift of a series at `now`: the last hour's mean against the baseline of the 7 days
    /// before that hour. Nil when the last hour has no sample or the baseline cannot be computed.
    static func assess(_ samples: [Sample], now: Date) -> (baseline: Baseline, drift: DriftAssessment)? {
        let cleaned = samples.cleaned
        let hourStart = now.addingTimeInterval(-currentWindow)
        guard let current = Descriptive.mean(cleaned.filter { $0.time >= hourStart && $0.time <= now }.values),
            let baseline = Baseline(samples: cleaned, endingAt: hourStart)
        else { return nil }
        return (baseline, DriftAssessment(current: current, baseline: baseline))
    }
}

/// Severity of a drift, as `metric_baselines.drift_severity` stores it.
enum DriftSeverity: String, Sendable, Codable, Equatable {
    case warning
    case critical
}
