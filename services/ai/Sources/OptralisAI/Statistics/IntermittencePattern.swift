/// How a metric's spikes recur (`/ai/analyze/intermittent`: "patterns (aléatoire, périodique,
/// escalade)").
enum IntermittencePattern: String, Sendable, Codable, Equatable {
    /// No spike in the series.
    case none
    /// One or two spikes: too few to call a pattern.
    case isolated
    /// Three or more spikes with no regular spacing and no worsening.
    case random
    /// Three or more spikes at a steady interval (see ``Intermittence/periodicVariation``).
    case periodic
    /// Spikes getting higher, or closer together (see ``Intermittence/escalationMonotonicity``).
    case escalating
}
