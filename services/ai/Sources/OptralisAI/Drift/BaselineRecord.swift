import Foundation

/// One row of `metric_baselines`: a machine's baseline for one metric and the drift last
/// measured against it. `driftExplanation` is Claude's, written separately.
struct BaselineRecord: Sendable, Equatable, Codable {
    var machineID: UUID
    var metric: BaselineMetric
    var baselineMean: Double
    var baselineStddev: Double
    var baselineP95: Double
    /// Nil when the last hour had no sample: the baseline is kept, no drift is judged.
    var currentValue: Double?
    var zScore: Double?
    var driftDetected: Bool
    var driftSeverity: DriftSeverity?
    var driftExplanation: String?

    enum CodingKeys: String, CodingKey {
        case machineID = "machine_id", metric = "metric_type", baselineMean = "baseline_mean", baselineStddev = "baseline_stddev"
        case baselineP95 = "baseline_p95", currentValue = "current_value", zScore = "z_score", driftDetected = "drift_detected"
        case driftSeverity = "drift_severity", driftExplanation = "drift_explanation"
    }

    /// The row for a measured baseline, judged with ``DriftAssessment`` when there is a current value.
    init(machineID: UUID, metric: BaselineMetric, baseline: Baseline, current: Double?) {
        self.machineID = machineID
        self.metric = metric
        baselineMean = baseline.mean
        baselineStddev = baseline.standardDeviation
        baselineP95 = baseline.p95
        currentValue = current
        let drift = current.map { DriftAssessment(current: $0, baseline: baseline) }
        zScore = drift?.zScore
        driftSeverity = drift?.severity
        driftDetected = drift?.driftDetected ?? false
    }
}
