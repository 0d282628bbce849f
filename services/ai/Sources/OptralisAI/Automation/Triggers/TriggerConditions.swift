import Foundation
import OptralisCore

/// Whether a trigger's conditions hold for a machine, and why in words (the history's
/// `trigger_reason`). Any one condition that holds is enough; the reason names all that hold.
/// Machines in maintenance never fire `critical_machine` or `degradation`.
enum TriggerConditions {
    /// `new_machine`'s grace when the trigger sets none: the agent's first data has had time to come.
    static let defaultGraceMinutes = 10.0
    /// `degradation`'s `trend_days` when the trigger sets none.
    static let defaultTrendDays = 7.0

    static func reason(_ trigger: ActiveTrigger, _ machine: MachineFacts, now: Date) -> String? {
        let reasons: [String]
        switch trigger.triggerType {
        case "critical_machine": reasons = machine.maintenance ? [] : critical(trigger.conditions, machine, now: now)
        case "degradation": reasons = machine.maintenance ? [] : degradation(trigger.conditions, machine)
        case "new_machine": reasons = newMachine(trigger, machine, now: now)
        default: reasons = []
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    static func critical(_ conditions: [String: Double], _ machine: MachineFacts, now: Date) -> [String] {
        var reasons: [String] = []
        if let limit = conditions["health_score_below"], let score = machine.healthScore, Double(score) < limit {
            reasons.append("Health score \(score) below \(number(limit))")
        }
        if let minutes = conditions["offline_minutes"], let seen = machine.lastSeen, now.timeIntervalSince(seen) >= minutes * 60 {
            reasons.append("Offline for \(Int(now.timeIntervalSince(seen) / 60)) minutes (limit \(number(minutes)))")
        }
        for (key, value, label) in [
            ("cpu_above", machine.cpuPercent, "CPU"), ("ram_above", machine.ramPercent, "RAM"), ("disk_above", machine.diskPercent, "Disk"),
        ] {
            if let limit = conditions[key], let value, value > limit {
                reasons.append("\(label) \(number(value))% above \(number(limit))%")
            }
        }
        return reasons
    }

    static func degradation(_ conditions: [String: Double], _ machine: MachineFacts) -> [String] {
        var reasons: [String] = []
        if let limit = conditions["z_score_above"], let z = machine.maxZScore, z > limit {
            reasons.append("\(machine.maxZScoreMetric ?? "metric") z-score \(String(format: "%.1f", z)) above \(number(limit))")
        }
        if let drop = conditions["health_score_drop"], let best = machine.bestRecentScore, let score = machine.healthScore, Double(best - score) >= drop {
            let days = number(conditions["trend_days"] ?? defaultTrendDays)
            reasons.append("Health score dropped \(best - score) points in \(days) days (\(best) → \(score))")
        }
        return reasons
    }

    /// A machine created after the trigger, once its grace period has passed.
    static func newMachine(_ trigger: ActiveTrigger, _ machine: MachineFacts, now: Date) -> [String] {
        let grace = (trigger.conditions["grace_minutes"] ?? defaultGraceMinutes) * 60
        guard machine.createdAt > trigger.createdAt, now.timeIntervalSince(machine.createdAt) >= grace else { return [] }
        return ["New machine \(machine.hostname) detected"]
    }

    /// `50` rather than `50.0`; one decimal otherwise.
    static func number(_ value: Double) -> String {
        Figure.oneDecimal(value) ?? String(value)
    }
}
