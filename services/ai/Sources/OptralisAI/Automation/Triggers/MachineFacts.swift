import Foundation

/// What a trigger's conditions look at for one machine, read in one query per trigger.
struct MachineFacts: Sendable, Equatable {
    var id: UUID
    var hostname: String
    var createdAt: Date
    var lastSeen: Date?
    var maintenance: Bool
    /// `machines.health_score` (the latest analysis's).
    var healthScore: Int?
    /// The latest metrics sample's, when it is recent (``TriggerStore/freshMetrics``).
    var cpuPercent: Double?
    var ramPercent: Double?
    /// The fullest volume of the latest `disk_info` snapshot, percent.
    var diskPercent: Double?
    /// The highest z-score in `metric_baselines`, with its metric.
    var maxZScore: Double?
    var maxZScoreMetric: String?
    /// The best health score of the machine's analyses over the trigger's `trend_days`.
    var bestRecentScore: Int?
}
