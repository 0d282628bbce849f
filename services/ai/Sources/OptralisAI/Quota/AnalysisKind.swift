import Foundation

/// The spec's analyses ("AI Service (via service interne :3002)" and "Système Anti-Spam"):
/// their route, their `ai_analysis_results.analysis_type`, quota cost, per-machine cooldown and
/// licence tier.
enum AnalysisKind: String, Sendable, CaseIterable, Equatable {
    case logs, anomalies, full, recommendations
    case healthScore = "health_score"
    case trends, scripts
    /// `reports/generate`: kept in `ai_reports`, not `ai_analysis_results` (whose type list has no report).
    case report
    case degradation, intermittent, correlation
    case predictiveMaintenance = "predictive_maintenance"

    /// The route under `/ai/`.
    var path: String {
        switch self {
        case .logs: "analyze/logs"
        case .anomalies: "analyze/anomalies"
        case .full: "analyze/full"
        case .recommendations: "recommendations"
        case .healthScore: "health-score"
        case .trends: "analyze/trends"
        case .scripts: "scripts/generate"
        case .report: "reports/generate"
        case .degradation: "analyze/degradation"
        case .intermittent: "analyze/intermittent"
        case .correlation: "correlate"
        case .predictiveMaintenance: "predictive/maintenance"
        }
    }

    /// Quota units ("Coût quota").
    var cost: Int {
        switch self {
        case .full: 3
        case .report: 2
        case .predictiveMaintenance: 5
        default: 1
        }
    }

    /// Per machine and kind ("Cooldown par Machine"). The spec's table leaves out
    /// `analyze/intermittent` and `predictive/maintenance`: the first takes the 15 minutes of its
    /// siblings (degradation, correlate), the second the 2 hours of the other grouped analysis
    /// (`analyze/full`).
    var cooldown: TimeInterval {
        switch self {
        case .logs, .anomalies, .trends, .degradation, .intermittent, .correlation: 15 * 60
        case .healthScore, .scripts: 30 * 60
        case .recommendations: 3600
        case .full, .predictiveMaintenance: 2 * 3600
        case .report: 6 * 3600
        }
    }

    /// "Endpoints Maintenance Prédictive Avancée (Pro/Business/Enterprise)": 403
    /// `PREMIUM_REQUIRED` for Trial, Starter and Essentials.
    var isAdvanced: Bool {
        switch self {
        case .degradation, .intermittent, .correlation, .predictiveMaintenance: true
        default: false
        }
    }

    static let advancedLicences: Set<String> = ["pro", "business", "enterprise"]

    func isAllowed(licence: String) -> Bool {
        !isAdvanced || Self.advancedLicences.contains(licence)
    }
}
