/// A metric spike and the events that likely caused it ("Corrélation Logs/Métriques":
/// `metric_spike`, `related_events`, `confidence`; the `root_cause` sentence is Claude's).
struct EventCorrelation: Sendable, Equatable {
    var metric: String
    var spike: SpikeEpisode
    var relatedEvents: [SystemEvent]
    /// 0…1, rounded to 2 decimals.
    var confidence: Double
    /// How many spikes of the series events of the best-scoring kind preceded (a recurring cause).
    var recurrence: Int
}
