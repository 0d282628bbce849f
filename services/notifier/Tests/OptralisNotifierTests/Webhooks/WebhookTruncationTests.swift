import Foundation
import OptralisCore
import OptralisNotifier
import Testing

@Suite("Webhook truncation")
struct WebhookTruncationTests {
    static func hugeAlert(_ type: AlertType = .bruteForce, language: String = "fr") -> AlertNotification {
        var alert = WebhookFixtures.alert(type, language: language, message: WebhookFixtures.hugeMessage)
        alert.machineName = "SRV-PROD-01"
        return alert
    }

    @Test func a_50000_character_message_fits_teams() throws {
        for version in ["1.4", "1.5"] {
            let bytes = WebhookPayloads.teams(Self.hugeAlert(), cardVersion: version)
            #expect(bytes.count <= WebhookLimits.teamsMaxBodyBytes)
            #expect(bytes.count > WebhookLimits.teamsMaxBodyBytes - 200, "the text should fill what is left: \(bytes.count)")
            #expect(String(validating: bytes, as: UTF8.self) != nil)
            let texts = WebhookFixtures.strings(try WebhookFixtures.object(bytes))
            #expect(texts.contains("SRV-PROD-01"))
            let details = try #require(texts.first { $0.hasPrefix("Évènement") })
            #expect(details.hasSuffix("…"))
            #expect(WebhookFixtures.hugeMessage.hasPrefix(details.dropLast()))
        }
    }

    @Test func a_50000_character_message_fits_slack() throws {
        let bytes = WebhookPayloads.slack(Self.hugeAlert())
        let body = try WebhookFixtures.object(bytes)
        #expect(WebhookFixtures.slackViolations(body) == [])
        let texts = WebhookFixtures.strings(body)
        #expect(texts.contains("*🖥️ Machine*\n`SRV-PROD-01`"))
        let details = try #require(texts.first { $0.hasPrefix("*📝 Détails*\n") })
        #expect(details.hasSuffix("…"))
        #expect(details.utf16.count > WebhookLimits.slackMaxSectionText - 10)
        // Escapes are whole: every & starts an entity.
        let entities = details.components(separatedBy: "&").dropFirst()
        #expect(entities.allSatisfy { $0.hasPrefix("amp;") || $0.hasPrefix("lt;") || $0.hasPrefix("gt;") })
    }

    @Test func a_50000_character_message_fits_discord() throws {
        let bytes = WebhookPayloads.discord(Self.hugeAlert())
        let body = try WebhookFixtures.object(bytes)
        #expect(WebhookFixtures.discordViolations(body) == [])
        let embed = try #require((body["embeds"] as? [[String: Any]])?.first)
        let description = try #require(embed["description"] as? String)
        #expect(description.hasPrefix("SRV-PROD-01\n\nÉvènement"))
        #expect(description.hasSuffix("…"))
        #expect(description.utf16.count > WebhookLimits.discordMaxDescription - 10)
    }

    @Test(arguments: AlertType.allCases)
    func every_field_oversized_still_fits_everywhere(type: AlertType) throws {
        let huge = WebhookFixtures.hugeMessage
        for language in ["fr", "en"] {
            let alert = AlertNotification(
                alertType: type, clientName: huge, language: language, occurredAt: WebhookFixtures.januaryAfternoon,
                machineName: "SRV-PROD-01" + huge, lastSeen: .distantPast, os: huge, ip: huge, agentVersion: huge,
                agentChannel: huge, value: 1e300, threshold: -.infinity, severity: huge, message: huge,
                dashboardURL: "https://example.com/" + String(repeating: "a", count: 5_000), title: huge)
            let teams = WebhookPayloads.teams(alert)
            #expect(teams.count <= WebhookLimits.teamsMaxBodyBytes)
            #expect(WebhookFixtures.strings(try WebhookFixtures.object(teams)).contains { $0.hasPrefix("SRV-PROD-01") })
            let slack = try WebhookFixtures.object(WebhookPayloads.slack(alert))
            #expect(WebhookFixtures.slackViolations(slack) == [])
            #expect(WebhookFixtures.strings(slack).contains { $0.hasPrefix("*🖥️ Machine*\n`SRV-PROD-01") && $0.hasSuffix("…`") })
            let discord = try WebhookFixtures.object(WebhookPayloads.discord(alert))
            #expect(WebhookFixtures.discordViolations(discord) == [])
            #expect(WebhookFixtures.strings(discord).contains { $0.hasPrefix("SRV-PROD-01") })
        }
    }

    @Test func a_message_of_quotes_and_backslashes_still_fits_teams() {
        // JSON doubles each of these characters: the cut must account for the escaped size.
        var alert = Self.hugeAlert()
        alert.message = String(repeating: "\"\\", count: 30_000)
        #expect(WebhookPayloads.teams(alert).count <= WebhookLimits.teamsMaxBodyBytes)
    }
}
