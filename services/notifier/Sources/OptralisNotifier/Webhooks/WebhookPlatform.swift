/// The chat platforms a webhook body is built for.
enum WebhookPlatform: Sendable, CaseIterable {
    case teams
    case slack
    case discord

    /// The name a test message uses for the channel it arrives on.
    var displayName: String {
        switch self {
        case .teams: "Microsoft Teams"
        case .slack: "Slack"
        case .discord: "Discord"
        }
    }
}
