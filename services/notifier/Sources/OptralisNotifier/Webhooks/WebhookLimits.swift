/// The size limits of each platform's webhook body, as their documentation states them (counted in UTF-16
/// code units, see `WebhookText.Measure`; Teams in bytes).
public enum WebhookLimits {
    /// Teams (Power Automate workflows): a message of at most 28 KB; 28,000 bytes is within either reading.
    public static let teamsMaxBodyBytes = 28_000

    public static let slackMaxBlocks = 50
    public static let slackMaxSectionText = 3_000
    public static let slackMaxFieldText = 2_000
    public static let slackMaxFieldsPerSection = 10
    public static let slackMaxHeaderText = 150
    public static let slackMaxButtonText = 75
    public static let slackMaxButtonURL = 3_000

    public static let discordMaxTitle = 256
    public static let discordMaxDescription = 4_096
    public static let discordMaxFields = 25
    public static let discordMaxFieldName = 256
    public static let discordMaxFieldValue = 1_024
    public static let discordMaxAuthorName = 256
    public static let discordMaxFooter = 2_048
    /// The sum of title, description, field names and values, footer text and author name.
    public static let discordMaxEmbedTotal = 6_000

    /// Caps applied to every short fact before layout (client, machine, OS...), so that only the free text
    /// (`message`) ever needs cutting to fit a body.
    static let maxClientName = 100
    static let maxFact = 200
    static let maxShortFact = 64
    /// A longer dashboard link is dropped rather than cut (a cut URL is a broken link).
    static let maxURL = 1_000
}
