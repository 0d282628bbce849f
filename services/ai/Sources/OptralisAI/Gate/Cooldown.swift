import Foundation

/// A machine's analysis of one kind is on cooldown ("Cooldown par Machine") until the kind's
/// cooldown has passed since the last one: HTTP 429 with `remaining_secs` and `next_available`.
struct Cooldown: Sendable, Equatable {
    /// Whole seconds, rounded up (a call at 14:59.5 of a 15-minute cooldown waits 1 s, not 0).
    var remainingSeconds: Int
    var nextAvailable: Date

    /// Nil when there was no earlier analysis or its cooldown is over.
    init?(lastAnalysisAt: Date?, kind: AnalysisKind, now: Date) {
        guard let lastAnalysisAt else { return nil }
        let nextAvailable = lastAnalysisAt.addingTimeInterval(kind.cooldown)
        let remaining = nextAvailable.timeIntervalSince(now)
        guard remaining > 0 else { return nil }
        remainingSeconds = Int(remaining.rounded(.up))
        self.nextAvailable = nextAvailable
    }
}

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
