import OptralisCore
import OptralisNotifier
import Testing

@Suite("Webhook titles for every alert type")
struct WebhookTitleTests {
    static let cases: [(AlertType, String)] = AlertType.allCases.flatMap { type in ["fr", "en"].map { (type, $0) } }

    @Test(arguments: cases)
    func every_platform_has_a_title(type: AlertType, language: String) throws {
        let alert = WebhookFixtures.alert(type, language: language)

        let card = try WebhookFixtures.teamsCard(WebhookFixtures.object(WebhookPayloads.teams(alert)))
        let teamsBlocks = try #require(card["body"] as? [[String: Any]])
        #expect(teamsBlocks[0]["text"] as? String == "🏢 CLINIQUE SAINT-ÉLOI")
        let teamsStatus = try #require(teamsBlocks[1]["text"] as? String)
        #expect(teamsStatus.contains(" **") && teamsStatus.contains("** - ") && teamsStatus.count > 8, "\(teamsStatus)")

        let slack = try WebhookFixtures.object(WebhookPayloads.slack(alert))
        #expect(WebhookFixtures.slackViolations(slack) == [])
        let slackBlocks = try #require(slack["blocks"] as? [[String: Any]])
        let slackStatus = try #require((slackBlocks[1]["text"] as? [String: Any])?["text"] as? String)
        #expect(slackStatus.contains(" *") && slackStatus.contains("* - ") && slackStatus.count > 8, "\(slackStatus)")
        #expect(!(slack["text"] as? String ?? "").isEmpty)

        let discord = try WebhookFixtures.object(WebhookPayloads.discord(alert))
        #expect(WebhookFixtures.discordViolations(discord) == [])
        let embed = try #require((discord["embeds"] as? [[String: Any]])?.first)
        let title = try #require(embed["title"] as? String)
        #expect(title.count > 3)
    }

    @Test func discord_titles_follow_the_spec_table() throws {
        let french: [AlertType: String] = [
            .machineOffline: "🔴 MACHINE OFFLINE", .machineOnline: "🟢 MACHINE ONLINE", .highCPU: "🟠 CPU ÉLEVÉ",
            .highRAM: "🟠 RAM ÉLEVÉE", .highTemperature: "🟠 TEMPÉRATURE ÉLEVÉE", .databaseAlert: "🟠 ALERTE BASE DE DONNÉES", .diskCritical: "🔴 DISQUE CRITIQUE",
            .smartWarning: "🟡 ALERTE SMART",
            .bruteForce: "🔴 TENTATIVE BRUTE FORCE", .test: "🧪 TEST", .aiAnalysis: "🤖 ANALYSE IA",
        ]
        let english: [AlertType: String] = [
            .machineOffline: "🔴 MACHINE OFFLINE", .machineOnline: "🟢 MACHINE ONLINE", .highCPU: "🟠 HIGH CPU",
            .highRAM: "🟠 HIGH RAM", .highTemperature: "🟠 HIGH TEMPERATURE", .databaseAlert: "🟠 DATABASE ALERT", .diskCritical: "🔴 CRITICAL DISK",
            .smartWarning: "🟡 SMART ALERT",
            .bruteForce: "🔴 BRUTE FORCE ATTEMPT", .test: "🧪 TEST", .aiAnalysis: "🤖 AI ANALYSIS",
        ]
        for (language, titles) in [("fr", french), ("en", english)] {
            for type in AlertType.allCases {
                let body = try WebhookFixtures.object(WebhookPayloads.discord(WebhookFixtures.alert(type, language: language)))
                let embed = try #require((body["embeds"] as? [[String: Any]])?.first)
                #expect(embed["title"] as? String == titles[type], "\(type) \(language)")
            }
        }
    }
}
