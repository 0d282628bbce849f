/// What the health score reads about one machine. Series cover at least the last 24 hours
/// (48 to let the score compare itself with the day before); a nil fact is unknown, not bad.
struct HealthInputs: Sendable {
    var cpuPercent: [Sample] = []
    var ramPercent: [Sample] = []
    var diskLatencyMs: [Sample] = []
    /// The latest used percentage of each volume.
    var volumeUsedPercents: [Double] = []
    /// The latest SMART status of each disk: healthy, warning, critical, virtual or unavailable.
    var smartStatuses: [String] = []
    var security: SecurityFacts?
    var stability: StabilityFacts?
}
