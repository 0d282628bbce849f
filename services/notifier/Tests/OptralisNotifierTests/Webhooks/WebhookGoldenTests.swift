import OptralisNotifier
import Testing

/// The exact bodies for two realistic alerts, against the JSON files in Fixtures/ (white space aside).
/// Regenerate after an intended change with `OPTRALIS_UPDATE_GOLDENS=1 swift test --filter Webhook`, then
/// review the diff.
@Suite("Webhook golden payloads")
struct WebhookGoldenTests {
    @Test func teams_machine_offline_french() throws {
        try WebhookFixtures.expectGolden(WebhookPayloads.teams(WebhookFixtures.offlineFrench), "teams-machine-offline-fr.json")
    }

    @Test func slack_machine_offline_french() throws {
        try WebhookFixtures.expectGolden(WebhookPayloads.slack(WebhookFixtures.offlineFrench), "slack-machine-offline-fr.json")
    }

    @Test func discord_machine_offline_french() throws {
        try WebhookFixtures.expectGolden(
            WebhookPayloads.discord(WebhookFixtures.offlineFrench), "discord-machine-offline-fr.json")
    }

    @Test func teams_high_cpu_english() throws {
        try WebhookFixtures.expectGolden(WebhookPayloads.teams(WebhookFixtures.cpuEnglish), "teams-high-cpu-en.json")
    }

    @Test func slack_high_cpu_english() throws {
        try WebhookFixtures.expectGolden(WebhookPayloads.slack(WebhookFixtures.cpuEnglish), "slack-high-cpu-en.json")
    }

    @Test func discord_high_cpu_english() throws {
        try WebhookFixtures.expectGolden(WebhookPayloads.discord(WebhookFixtures.cpuEnglish), "discord-high-cpu-en.json")
    }

    @Test func bodies_are_deterministic() {
        for alert in [WebhookFixtures.offlineFrench, WebhookFixtures.cpuEnglish] {
            #expect(WebhookPayloads.teams(alert) == WebhookPayloads.teams(alert))
            #expect(WebhookPayloads.slack(alert) == WebhookPayloads.slack(alert))
            #expect(WebhookPayloads.discord(alert) == WebhookPayloads.discord(alert))
        }
    }
}
