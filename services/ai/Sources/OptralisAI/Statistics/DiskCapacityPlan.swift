import Foundation

/// Capacity planning for one volume ("Planification de Capacité": `growth_rate_gb_per_month`,
/// `predicted_full_date`, `days_until_critical`): the used space's robust growth line
/// (``RobustLine``) projected to the volume's size and to the critical fill level.
struct DiskCapacityPlan: Sendable, Equatable {
    var currentUsagePercent: Double
    /// GB per 30 days; negative when the volume is emptying.
    var growthGBPerMonth: Double
    /// When the used space reaches the volume's size; nil when it is not growing.
    var predictedFullDate: Date?
    /// Whole days until the critical fill level, rounded down; 0 when already above it.
    var daysUntilCritical: Int?
    var criticalPercent: Double

    /// The alert rules' "critique" example threshold (90 %) for a disk.
    static let defaultCriticalPercent = 90.0

    /// `usedGB`: the volume's used space over time; `totalGB`: its current size. Nil without a
    /// sample or with a size of zero.
    init?(usedGB samples: [Sample], totalGB: Double, now: Date, criticalPercent: Double = Self.defaultCriticalPercent) {
        let cleaned = samples.cleaned
        guard totalGB > 0, totalGB.isFinite, let latest = cleaned.last else { return nil }
        self.criticalPercent = criticalPercent
        currentUsagePercent = min(100, max(0, latest.value / totalGB * 100))
        guard let line = RobustLine(cleaned) else {
            growthGBPerMonth = 0
            daysUntilCritical = currentUsagePercent >= criticalPercent ? 0 : nil
            return
        }
        growthGBPerMonth = line.slopePerDay * TimeInterval.month / .day
        guard line.slopePerDay > 0 else {
            daysUntilCritical = currentUsagePercent >= criticalPercent ? 0 : nil
            return
        }
        predictedFullDate = line.date(reaching: totalGB, after: now)
        daysUntilCritical = line.date(reaching: totalGB * criticalPercent / 100, after: now)
            .map { Degradation.wholeDays(from: now, to: $0) }
    }
}
