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
