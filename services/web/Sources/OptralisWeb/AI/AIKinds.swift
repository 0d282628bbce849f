/// The AI analyses a user can run, as the AI service defines them (`AnalysisKind` in
/// services/ai, docs/ai.md): the api route, the quota units one run takes, how long the same
/// analysis of the same machine then waits, and whether it needs a Pro licence or above. The
/// api gives cost and cooldown only after a run (`quota_cost`, a 429's `remaining_secs`), so the
/// form shows them from here; the test runs one analysis and compares its `quota_cost`.
struct AIAnalysisKind: Sendable {
    /// The form's value and the stored `analysis_type`.
    let key: String
    let path: String
    let cost: Int
    let cooldownMinutes: Int
    let advanced: Bool

    static let all: [AIAnalysisKind] = [
        .init(key: "health_score", path: "health-score", cost: 1, cooldownMinutes: 30, advanced: false),
        .init(key: "trends", path: "analyze/trends", cost: 1, cooldownMinutes: 15, advanced: false),
        .init(key: "anomalies", path: "analyze/anomalies", cost: 1, cooldownMinutes: 15, advanced: false),
        .init(key: "logs", path: "analyze/logs", cost: 1, cooldownMinutes: 15, advanced: false),
        .init(key: "full", path: "analyze/full", cost: 3, cooldownMinutes: 120, advanced: false),
        .init(key: "recommendations", path: "recommendations", cost: 1, cooldownMinutes: 60, advanced: false),
        .init(key: "scripts", path: "scripts/generate", cost: 1, cooldownMinutes: 30, advanced: false),
        .init(key: "degradation", path: "analyze/degradation", cost: 1, cooldownMinutes: 15, advanced: true),
        .init(key: "intermittent", path: "analyze/intermittent", cost: 1, cooldownMinutes: 15, advanced: true),
        .init(key: "correlation", path: "correlate", cost: 1, cooldownMinutes: 15, advanced: true),
        .init(key: "predictive_maintenance", path: "predictive/maintenance", cost: 5, cooldownMinutes: 120, advanced: true),
    ]

    static func named(_ key: String?) -> AIAnalysisKind? { all.first { $0.key == key } }

    /// Reports (`/api/ai/reports/generate`) take 2 units.
    static let reportCost = 2
}

/// The choices the api accepts for routines, triggers and reports (services/api `AutomationRules`,
/// services/ai `ReportController`), for the forms' lists; the api checks them again.
enum AIChoices {
    static let routineTypes = ["daily_health_check", "daily_health_score", "daily_report", "weekly_report", "trend_analysis", "drift_detection"]
    static let triggerTypes = ["critical_machine", "new_machine", "degradation"]
    /// The analyses a routine or trigger may run.
    static let automatedAnalyses = ["full", "health_score", "anomalies", "logs", "recommendations", "trends"]
    /// Every numeric condition, with the trigger types it applies to.
    static let conditions: [(key: String, types: String)] = [
        ("health_score_below", "critical_machine"), ("offline_minutes", "critical_machine"), ("cpu_above", "critical_machine"),
        ("ram_above", "critical_machine"), ("disk_above", "critical_machine"), ("grace_minutes", "new_machine"),
        ("z_score_above", "degradation"), ("trend_days", "degradation"), ("health_score_drop", "degradation"),
    ]
    static let reportTypes = ["daily", "weekly", "monthly"]
    static let reportFormats = ["executive", "technical"]
    static let criticalities = ["critical", "important", "standard"]
}
