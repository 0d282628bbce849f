/// `risk_level` from the overall score. The spec's critical-machine trigger fires below 50
/// (`health_score_below: 50`), so below 50 is critical; the other bands are ours.
enum RiskLevel: String, Sendable, Codable, Equatable {
    case low, medium, high, critical

    init(score: Int) {
        self =
            if score >= 80 { .low } else if score >= 65 { .medium } else if score >= 50 { .high } else { .critical }
    }
}
