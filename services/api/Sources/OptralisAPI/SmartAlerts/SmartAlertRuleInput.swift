import Foundation
import OptralisCore

/// A smart rule as `POST` and `PUT /api/alerts/rules` take it (the whole definition each time),
/// validated against ``SmartAlertPolicy``: every number is bounded here, where it is read.
struct SmartAlertRuleInput: Sendable, Equatable {
    var name: String
    var metric: String
    var mode: String
    var sigmaFactor: Double?
    var threshold: Double?
    var durationMinutes: Int
    var severity: String
    var enabled: Bool
    var machineID: UUID?
    var groupID: UUID?

    struct Body: Decodable {
        let name: String?
        let metric: String?
        let mode: String?
        let sigmaFactor: Double?
        let threshold: Double?
        let durationMinutes: Int?
        let severity: String?
        let enabled: Bool?
        let machineID: UUID?
        let groupID: UUID?
        enum CodingKeys: String, CodingKey {
            case name, metric, mode, threshold, severity, enabled
            case sigmaFactor = "sigma_factor", durationMinutes = "duration_minutes", machineID = "machine_id", groupID = "group_id"
        }
    }

    /// Defaults: mode `adaptive` with k = 3, 10 minutes, severity `warning`, enabled. An adaptive
    /// rule takes no threshold, a static one no `sigma_factor` (400 rather than ignoring it).
    init(_ body: Body) throws {
        guard let name = try Validation.text(body.name, field: "name", maximum: 100) else {
            throw APIError.validation("name is required (1 to 100 characters)")
        }
        let metrics = SmartAlertPolicy.metrics
        guard let metric = body.metric, metrics.contains(metric) else { throw APIError.validation("metric must be one of \(metrics.joined(separator: ", "))") }
        let mode = body.mode ?? "adaptive"
        guard SmartAlertPolicy.modes.contains(mode) else { throw APIError.validation("mode must be adaptive or static") }
        let severity = body.severity ?? "warning"
        guard SmartAlertPolicy.severities.contains(severity) else { throw APIError.validation("severity must be info, warning or critical") }
        let duration = body.durationMinutes ?? SmartAlertPolicy.defaultDuration
        try Validation.integer(duration, field: "duration_minutes", in: SmartAlertPolicy.durations)
        guard body.machineID == nil || body.groupID == nil else { throw APIError.validation("a rule targets a machine or a group, not both") }

        switch mode {
        case "adaptive":
            guard SmartAlertPolicy.baselineMetrics[metric] != nil else {
                throw APIError.validation("an adaptive rule watches cpu or ram (the metrics with a baseline); use mode static for \(metric)")
            }
            guard body.threshold == nil else { throw APIError.validation("an adaptive rule takes sigma_factor, not threshold") }
            let factor = body.sigmaFactor ?? SmartAlertPolicy.defaultSigmaFactor
            let bounds = SmartAlertPolicy.sigmaFactors
            guard factor.isFinite, bounds.contains(factor) else {
                throw APIError.validation("sigma_factor must be from \(Int(bounds.lowerBound)) to \(Int(bounds.upperBound))")
            }
            (sigmaFactor, threshold) = (factor, nil)
        default:
            guard body.sigmaFactor == nil else { throw APIError.validation("a static rule takes threshold, not sigma_factor") }
            let bounds = SmartAlertPolicy.thresholds(metric: metric)
            guard let value = body.threshold, value.isFinite, bounds.contains(value) else {
                throw APIError.validation("threshold is required for a static \(metric) rule, from \(Int(bounds.lowerBound)) to \(Int(bounds.upperBound))")
            }
            (sigmaFactor, threshold) = (nil, value)
        }
        self.name = name
        self.metric = metric
        self.mode = mode
        self.durationMinutes = duration
        self.severity = severity
        self.enabled = body.enabled ?? true
        self.machineID = body.machineID
        self.groupID = body.groupID
    }
}
