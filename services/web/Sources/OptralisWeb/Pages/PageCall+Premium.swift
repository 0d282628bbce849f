import Foundation

/// A licence gate shown as what it is (the AI pages, the sites), not as an error.
extension PageCall {
    static let tiers = ["Starter", "Essentials", "Pro", "Business", "Enterprise"]

    /// "Available from the Pro licence" when the api (or the AI service behind it) answered 403
    /// `PREMIUM_REQUIRED`; nil for any other answer. The tier is the first one the api's message
    /// names ("needs the Pro licence or above", "requires a Pro, Business or Enterprise licence").
    func premium(_ reply: APIClient.Reply) -> String? {
        guard reply.status == 403, reply.code == "PREMIUM_REQUIRED" else { return nil }
        let message = reply.error ?? ""
        let named = Self.tiers.compactMap { tier in message.range(of: "\\b\(tier)\\b", options: .regularExpression).map { ($0.lowerBound, tier) } }
        guard let tier = named.min(by: { $0.0 < $1.0 })?.1 else { return text("ai_premium_any") }
        return text("ai_premium").replacingOccurrences(of: "{tier}", with: tier)
    }
}
