enum HealthTrend: String, Sendable, Codable, Equatable {
    case improving, stable, declining
    /// No earlier score to compare with.
    case unknown
}
