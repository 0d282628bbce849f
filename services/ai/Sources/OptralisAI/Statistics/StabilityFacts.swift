/// What went wrong on the machine over the last 24 hours.
struct StabilityFacts: Sendable, Equatable {
    var criticalEvents = 0
    var errorEvents = 0
    /// Times the machine went offline (missed heartbeats) or rebooted unexpectedly.
    var outages = 0
}
