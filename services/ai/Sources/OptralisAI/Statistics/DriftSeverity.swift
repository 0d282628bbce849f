/// Severity of a drift, as `metric_baselines.drift_severity` stores it.
enum DriftSeverity: String, Sendable, Codable, Equatable {
    case warning
    case critical
}
