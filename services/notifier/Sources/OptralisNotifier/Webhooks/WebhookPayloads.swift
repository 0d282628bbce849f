import OptralisCore

/// The JSON bodies posted to chat webhooks for an alert (spec: "Formats Webhook"): Microsoft Teams
/// (Adaptive Card through a Power Automate workflow), Slack (Block Kit) and Discord (embed).
///
/// All three show the same facts: the client, a status line (emoji, severity word, alert), the machine,
/// the date, the last connection, the OS, the local IP, the agent version and channel, the value against
/// the threshold for metric alerts, the alert's free text, a link to the dashboard and the Optralis footer.
/// An AI routine's or trigger's message (`ai_analysis`) is laid out the same way: its subject as the
/// headline, its text as the details, its machine, severity and link when it has them.
/// The functions are pure: the same alert gives the same bytes (keys sorted, no white space), each body
/// within its platform's limits (`WebhookLimits`), the free text cut with "…" when it would not fit.
public enum WebhookPayloads {
    /// The footer's wording; `**`/`*` markup is applied by each platform.
    static let brand = "Optralis"

    /// `{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive",
    /// "contentUrl":null,"content":{AdaptiveCard}}]}`. The card declares `cardVersion` but uses only
    /// Adaptive Card 1.4 elements (Teams workflows fail to render some 1.5 cards while 1.4 renders, hence
    /// the default; a channel may ask for "1.5"). At most `WebhookLimits.teamsMaxBodyBytes` bytes.
    public static func teams(_ alert: AlertNotification, cardVersion: String = "1.4") -> [UInt8] {
        let content = WebhookAlertContent(alert, platform: .teams)
        let version = cardVersion.webhookTrimmed().isEmpty ? "1.4" : WebhookText.sanitize(cardVersion)
        return teamsBody(content, version: version)
    }

    /// `{"text": fallback, "blocks": [...]}` (Block Kit, as in the spec; the top-level `text` is what
    /// Slack shows in notifications). Within Slack's block, section, field and header limits.
    public static func slack(_ alert: AlertNotification) -> [UInt8] {
        slackBody(WebhookAlertContent(alert, platform: .slack))
    }

    /// `{"embeds":[{author, title, description, color, fields, footer, timestamp}]}` (as in the spec, without
    /// the `image` hosted elsewhere). Within Discord's embed limits, 6,000 characters in all.
    public static func discord(_ alert: AlertNotification) -> [UInt8] {
        discordBody(WebhookAlertContent(alert, platform: .discord))
    }

    /// Discord embed colours (decimal RGB): red #ef4444 for what is down or dangerous (offline, critical
    /// disk, brute force; the spec's example shows orange for offline, but its title is 🔴, and the colour
    /// follows the title's emoji), green #22c55e when back online, orange #f97316 for CPU/RAM, amber
    /// #f59e0b for SMART, blue #3b82f6 for a test and an AI analysis.
    public static func discordColor(_ type: AlertType) -> Int {
        switch type {
        case .machineOffline, .diskCritical, .bruteForce: 15_680_580
        case .machineOnline: 2_278_750
        case .highCPU, .highRAM, .highTemperature, .databaseAlert: 16_347_926
        case .smartWarning: 16_096_779
        case .test, .aiAnalysis: 3_900_150
        }
    }

    /// The Discord colour of one message: an AI message with a `critical` or `warning` severity takes the
    /// colour of an alert of that level (red, orange); anything else its type's.
    static func discordColor(_ content: WebhookAlertContent) -> Int {
        discordColor(colourType(content))
    }

    static func teamsColor(_ content: WebhookAlertContent) -> String {
        teamsColor(colourType(content))
    }

    private static func colourType(_ content: WebhookAlertContent) -> AlertType {
        guard content.alertType == .aiAnalysis else { return content.alertType }
        switch content.level {
        case .critical: return .diskCritical
        case .warning: return .highCPU
        case .info, nil: return .aiAnalysis
        }
    }

    /// Adaptive Card text colours for the status line, the same mapping as `discordColor`.
    static func teamsColor(_ type: AlertType) -> String {
        switch type {
        case .machineOffline, .diskCritical, .bruteForce: "attention"
        case .machineOnline: "good"
        case .highCPU, .highRAM, .highTemperature, .databaseAlert, .smartWarning: "warning"
        case .test, .aiAnalysis: "accent"
        }
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func webhookChunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
