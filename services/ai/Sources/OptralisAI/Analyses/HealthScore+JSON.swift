/// The score's figures as the API writes them (`overall_score`, `category_scores` with only the
/// categories that have data, `trend`, `risk_level`, `confidence`): the statistics Claude is
/// given, and the body of `/ai/health-score` around them.
extension HealthScore: Encodable {
    enum CodingKeys: String, CodingKey {
        case overall = "overall_score", categories = "category_scores", trend, riskLevel = "risk_level", confidence
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(overall, forKey: .overall)
        try container.encode(Dictionary(uniqueKeysWithValues: categories.map { ($0.rawValue, $1) }), forKey: .categories)
        try container.encode(trend, forKey: .trend)
        try container.encode(riskLevel, forKey: .riskLevel)
        try container.encode(confidence, forKey: .confidence)
    }
}
