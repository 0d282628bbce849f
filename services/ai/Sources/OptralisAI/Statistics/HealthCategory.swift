import Foundation

/// The five categories of the health score (`category_scores`), with their weight in the
/// overall score and how each sub-score (0…100) is computed.
///
/// The spec lists the categories but gives no weights or formulas; these are ours:
/// | category | weight | sub-score |
/// |---|---|---|
/// | cpu | 0.20 | p95 of the last 24 h: 100 up to 70 %, 50 at 90 %, 0 at 100 % (linear between) |
/// | ram | 0.20 | p95 of the last 24 h: 100 up to 75 %, 50 at 90 %, 0 at 100 % |
/// | disk | 0.25 | fullest volume: 100 up to 75 %, 50 at 90 %, 0 at 100 %; capped at 60 by a SMART warning and 20 by a SMART critical; −20 when the latency p95 exceeds 50 ms |
/// | security | 0.15 | 100 − 25 firewall off − 25 antivirus off − 10 antivirus outdated − 5 per pending security update (at most 30) − 10 reboot required |
/// | stability | 0.20 | 100 − 10 per critical event (at most 50) − 2 per error event (at most 30) − 10 per outage (at most 30) |
///
/// A category without data is left out and the other weights are scaled up to 1.
enum HealthCategory: String, Sendable, Codable, CaseIterable, Equatable {
    case cpu, ram, disk, security, stability

    var weight: Double {
        switch self {
        case .cpu, .ram, .stability: 0.20
        case .disk: 0.25
        case .security: 0.15
        }
    }

    /// The sub-score for `inputs` over `(start, end]`, nil without data.
    func score(_ inputs: HealthInputs, from start: Date, to end: Date) -> Int? {
        func p95(_ samples: [Sample]) -> Double? {
            Descriptive.percentile(samples.cleaned.filter { $0.time > start && $0.time <= end }.values, 95)
        }
        switch self {
        case .cpu:
            return p95(inputs.cpuPercent).map { Self.usageScore($0, comfortable: 70, critical: 90) }
        case .ram:
            return p95(inputs.ramPercent).map { Self.usageScore($0, comfortable: 75, critical: 90) }
        case .disk:
            guard let fullest = inputs.volumeUsedPercents.filter(\.isFinite).max() else { return nil }
            var score = Self.usageScore(fullest, comfortable: 75, critical: DiskCapacityPlan.defaultCriticalPercent)
            if inputs.smartStatuses.contains("critical") { score = min(score, 20) } else if inputs.smartStatuses.contains("warning") { score = min(score, 60) }
            if let latency = p95(inputs.diskLatencyMs), latency > Intermittence.diskLatencyThresholdMs { score -= 20 }
            return max(0, score)
        case .security:
            guard let facts = inputs.security else { return nil }
            var score = 100
            if facts.firewallEnabled == false { score -= 25 }
            if facts.antivirusEnabled == false { score -= 25 }
            if facts.antivirusUpToDate == false { score -= 10 }
            score -= min(30, 5 * max(0, facts.pendingSecurityUpdates))
            if facts.rebootRequired { score -= 10 }
            return max(0, score)
        case .stability:
            guard let facts = inputs.stability else { return nil }
            let penalty =
                min(50, 10 * max(0, facts.criticalEvents)) + min(30, 2 * max(0, facts.errorEvents))
                + min(30, 10 * max(0, facts.outages))
            return max(0, 100 - penalty)
        }
    }

    /// 100 up to `comfortable`, 50 at `critical`, 0 at 100 %, linear in between.
    static func usageScore(_ percent: Double, comfortable: Double, critical: Double) -> Int {
        let score: Double =
            if percent <= comfortable { 100 } else if percent <= critical { 100 - 50 * (percent - comfortable) / (critical - comfortable) } else {
                max(0, 50 - 50 * (percent - critical) / (100 - critical))
            }
        return Int(score.rounded())
    }
}
