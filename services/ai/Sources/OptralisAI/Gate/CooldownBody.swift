/// `{"error": "Analysis on cooldown", "cooldown": true, "remaining_secs": 420, "next_available": "…"}`.
struct CooldownBody: Encodable, Sendable {
    let error = "Analysis on cooldown"
    let cooldown = true
    let remainingSeconds: Int
    let nextAvailable: String

    enum CodingKeys: String, CodingKey {
        case error, cooldown, remainingSeconds = "remaining_secs", nextAvailable = "next_available"
    }
}
