/// Compares a machine now with what its last analysis saw.
///
/// - no new data: no metric sample newer than the last analysis's, no new error or critical
///   event, and the same open alerts;
/// - otherwise each threshold is checked; none crossed is "no significant change".
///
/// The spec's "variation ≥ 15 %" is read as 15 percentage points: the three values are
/// percentages already, and 15 % of a 2 % CPU (0.3 point) would make noise significant.
enum ChangeDetection {
    static let usageVariation = 15.0
    static let errorLogs = 3

    /// `newErrorLogs`: error and critical events since the last analysis; `newCriticalEvents`:
    /// critical ones among them.
    static func compare(previous: DataFingerprint?, current: DataFingerprint, newErrorLogs: Int, newCriticalEvents: Int) -> ChangeVerdict {
        guard let previous else { return .significant([.firstAnalysis]) }
        let alertsChanged = Set(previous.openAlertIDs) != Set(current.openAlertIDs)
        let newSamples: Bool =
            switch (previous.latestSampleAt, current.latestSampleAt) {
            case (_, nil): false
            case (nil, _?): true
            case (let before?, let now?): now > before
            }
        if !newSamples && !alertsChanged && newErrorLogs == 0 && newCriticalEvents == 0 { return .noNewData }

        var reasons: [ChangeReason] = []
        if alertsChanged { reasons.append(.alerts) }
        let usage: [(ChangeReason, Double?, Double?)] = [
            (.cpu, previous.cpuPercent, current.cpuPercent), (.ram, previous.ramPercent, current.ramPercent),
            (.disk, previous.diskPercent, current.diskPercent),
        ]
        for (reason, before, now) in usage {
            if let before, let now, abs(now - before) >= usageVariation { reasons.append(reason) }
        }
        if newErrorLogs >= errorLogs { reasons.append(.errorLogs) }
        if newCriticalEvents > 0 { reasons.append(.criticalEvents) }
        return reasons.isEmpty ? .noSignificantChanges : .significant(reasons)
    }
}

/// Why an analysis may run again, or why it is not worth it (HTTP 304 `NO_NEW_DATA` /
/// `NO_SIGNIFICANT_CHANGES`).
enum ChangeVerdict: Sendable, Equatable {
    case noNewData
    case noSignificantChanges
    case significant([ChangeReason])
}

/// The spec's significant changes ("Type de changement | Seuil significatif").
enum ChangeReason: String, Sendable, Codable, Equatable {
    /// No earlier analysis to compare with.
    case firstAnalysis = "first_analysis"
    /// "Nouvelle alerte ou alerte résolue".
    case alerts
    /// "CPU/RAM/Disk: variation ≥ 15 %", read as 15 percentage points.
    case cpu, ram, disk
    /// "Logs erreur: ≥ 3 nouveaux logs ERROR/CRITICAL".
    case errorLogs = "error_logs"
    /// "Événements: nouveaux événements severity high/critical": any new `critical` event.
    case criticalEvents = "critical_events"
}
