/// A prioritised action of a ``Narrative``.
struct Recommendation: Sendable, Equatable, Codable {
    enum Priority: String, Sendable, Codable, Hashable {
        case high, medium, low
    }

    var title: String
    var priority: Priority
    var details: String
}

extension Recommendation {
    /// An unknown priority is read as medium rather than losing the recommendation.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decode(String.self, forKey: .title)
        details = try container.decodeIfPresent(String.self, forKey: .details) ?? ""
        let raw = (try? container.decodeIfPresent(String.self, forKey: .priority)) ?? nil
        priority = raw.flatMap { Priority(rawValue: $0.lowercased()) } ?? .medium
    }
}
