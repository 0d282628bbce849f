import Foundation
import OptralisCore
import OptralisNotifier
import OptralisRedis
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("Notifier: AI routine and trigger messages on Teams, Slack and Discord")
struct NotifierAIMessageTests {
    static let title = "Déclencheur IA critical_machine - srv-hot - Acme"
    /// About 46,000 characters with markup: more than any of the three platforms takes.
    static let text = (1...1000).map { "- srv-\($0): Score de santé 41/100 <b>&</b>" }.joined(separator: "\n")

    func insertID(_ harness: NotifierHarness, _ sql: PostgresQuery) async throws -> UUID {
        try await harness.database.withClient { db in
            try await db.query(sql, logger: testLogger).decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
        }
    }

    @Test func an_ai_message_reaches_each_platform_in_its_wire_format_within_its_limits_and_is_recorded() async throws {
        let sink = WebhookSink()
        try await NotifierHarness.run(sink: sink, channelType: "webhook_slack") { notifier in
            let hook = #"{"webhook_url": "http://127.0.0.1:\#(notifier.sinkPort)/hook"}"#
            let teams = try await insertID(
                notifier,
                "INSERT INTO notification_channels (client_id, type, name, config) VALUES (\(notifier.clientID), 'webhook_teams', 'Teams', \(hook)::jsonb) RETURNING id"
            )
            let discord = try await insertID(
                notifier,
                "INSERT INTO notification_channels (client_id, type, name, config) VALUES (\(notifier.clientID), 'webhook_discord', 'Discord', \(hook)::jsonb) RETURNING id"
            )
            let machine = try await insertID(notifier, "INSERT INTO machines (client_id, hostname) VALUES (\(notifier.clientID), 'srv-hot') RETURNING id")
            let link = "https://monitoring.example.com/machines/\(machine.uuidString.lowercased())"
            let message = AlertNotification(
                alertType: .aiAnalysis, clientName: "Acme", language: "fr", machineName: "srv-hot", severity: "critical", message: Self.text,
                dashboardURL: link, title: Self.title)
            let redis = try notifier.redisClient()
            for channel in [notifier.channelID, teams, discord] {
                try await NotificationQueues(redis: redis).enqueue(
                    ChannelDelivery(channelID: channel, clientID: notifier.clientID, notification: message, machineID: machine))
            }
            await redis.shutdown()

            let process = try notifier.launch(name: "solo")
            #expect(await eventually(timeout: .seconds(60)) { sink.bodies.withLock { $0.count } >= 3 })
            let bodies = try sink.bodies.withLock { $0 }.map { try WebhookFixtures.object(Array($0.utf8)) }
            #expect(bodies.count == 3)

            // Teams: an Adaptive Card message, within 28,000 bytes, the text cut with "…".
            let teamsBody = try #require(bodies.first { $0["attachments"] != nil })
            let teamsBytes = try #require(sink.bodies.withLock { $0.first { $0.contains("AdaptiveCard") } }).utf8.count
            #expect(teamsBytes <= WebhookLimits.teamsMaxBodyBytes && teamsBytes > WebhookLimits.teamsMaxBodyBytes - 500, "\(teamsBytes) bytes")
            let card = try WebhookFixtures.teamsCard(teamsBody)
            #expect(card["type"] as? String == "AdaptiveCard" && card["version"] as? String == "1.4")
            let cardTexts = WebhookFixtures.strings(card)
            #expect(cardTexts.contains("🤖 **CRITIQUE** - \(Self.title)"))
            #expect(cardTexts.contains("srv-hot"))
            #expect(cardTexts.contains { $0.hasPrefix("- srv-1: Score de santé 41/100 <b>&</b>\n") && $0.hasSuffix("…") })
            #expect((card["actions"] as? [[String: Any]])?.first?["url"] as? String == link)

            // Slack: Block Kit within its limits, mrkdwn escaped, a button to the machine.
            let slackBody = try #require(bodies.first { $0["blocks"] != nil })
            #expect(WebhookFixtures.slackViolations(slackBody) == [])
            let slackTexts = WebhookFixtures.strings(slackBody)
            #expect(slackTexts.contains("🏢 ACME"))
            #expect(slackTexts.contains("🤖 *CRITIQUE* - \(Self.title)"))
            #expect(slackTexts.contains { $0.hasPrefix("*📝 Détails*\n- srv-1: Score de santé 41/100 &lt;b&gt;&amp;&lt;/b&gt;") && $0.hasSuffix("…") })
            #expect(slackTexts.contains(link))

            // Discord: one embed within 6,000 characters, red, titled with the message's title.
            let discordBody = try #require(bodies.first { $0["embeds"] != nil })
            #expect(WebhookFixtures.discordViolations(discordBody) == [])
            let embed = try #require((discordBody["embeds"] as? [[String: Any]])?.first)
            #expect(embed["title"] as? String == "🤖 \(Self.title)")
            #expect(embed["color"] as? Int == WebhookPayloads.discordColor(.diskCritical))
            #expect((embed["description"] as? String).map { $0.hasPrefix("srv-hot\n\n- srv-1: Score de santé") && $0.hasSuffix("…") } == true)
            #expect(WebhookFixtures.strings(embed).contains("[Voir la machine](\(link))"))

            // Each delivery is in the history under its title, severity and machine.
            let history = try await recorded(notifier, atLeast: 3)
            #expect(history.count == 3)
            #expect(Set(history.map(\.channelType)) == ["webhook_teams", "webhook_slack", "webhook_discord"])
            for row in history {
                #expect(row.alertType == "ai_analysis" && row.subject == Self.title && row.severity == "critical" && row.status == "sent", "\(row)")
                #expect(row.machineID == machine)
            }
            process.child.signal(SIGTERM)
            _ = await process.child.waitForExit(timeout: .seconds(10))
        }
    }

    struct Row: Sendable {
        var channelType: String, alertType: String, subject: String, severity: String?, status: String, machineID: UUID?
    }

    /// `notification_history`, once it holds `count` rows: the notifier writes them after the post.
    func recorded(_ notifier: NotifierHarness, atLeast count: Int) async throws -> [Row] {
        func rows() async throws -> [Row] {
            try await notifier.database.withClient { db in
                var rows: [Row] = []
                let query: PostgresQuery = "SELECT channel_type, alert_type, subject, severity, status, machine_id FROM notification_history"
                for try await (type, alert, subject, severity, status, machine) in try await db.query(query, logger: testLogger)
                    .decode((String, String, String, String?, String, UUID?).self)
                {
                    rows.append(Row(channelType: type, alertType: alert, subject: subject, severity: severity, status: status, machineID: machine))
                }
                return rows
            }
        }
        _ = await eventually(timeout: .seconds(30)) { ((try? await rows()) ?? []).count >= count }
        return try await rows()
    }
}
