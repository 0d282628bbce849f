import Foundation
import OptralisCore
import OptralisNotifier
import Testing

@Suite("Webhook body structure")
struct WebhookStructureTests {
    @Test func teams_card_is_version_1_4_by_default_and_1_5_on_request() throws {
        let alert = WebhookFixtures.offlineFrench
        let body = try WebhookFixtures.object(WebhookPayloads.teams(alert))
        #expect(body["type"] as? String == "message")
        let attachments = try #require(body["attachments"] as? [[String: Any]])
        #expect(attachments.count == 1)
        #expect(attachments[0]["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        #expect(attachments[0]["contentUrl"] is NSNull)
        let card = try WebhookFixtures.teamsCard(body)
        #expect(card["type"] as? String == "AdaptiveCard")
        #expect(card["$schema"] as? String == "http://adaptivecards.io/schemas/adaptive-card.json")
        #expect(card["version"] as? String == "1.4")

        let newer = try WebhookFixtures.teamsCard(WebhookFixtures.object(WebhookPayloads.teams(alert, cardVersion: "1.5")))
        #expect(newer["version"] as? String == "1.5")
        let blank = try WebhookFixtures.teamsCard(WebhookFixtures.object(WebhookPayloads.teams(alert, cardVersion: " ")))
        #expect(blank["version"] as? String == "1.4")
    }

    @Test func teams_card_uses_only_adaptive_card_1_4_elements() throws {
        let allowed: Set<String> = ["AdaptiveCard", "TextBlock", "ColumnSet", "Column", "Action.OpenUrl"]
        for type in AlertType.allCases {
            for language in ["fr", "en"] {
                let card = try WebhookFixtures.teamsCard(
                    WebhookFixtures.object(WebhookPayloads.teams(WebhookFixtures.alert(type, language: language, message: "x"))))
                var types: Set<String> = []
                func collect(_ value: Any) {
                    if let object = value as? [String: Any] {
                        if let type = object["type"] as? String { types.insert(type) }
                        object.values.forEach(collect)
                    } else if let array = value as? [Any] {
                        array.forEach(collect)
                    }
                }
                collect(card)
                #expect(types.isSubset(of: allowed), "\(types.subtracting(allowed))")
                let body = try #require(card["body"] as? [[String: Any]])
                #expect(body.last?["text"] as? String == "🟠 **Optralis** Monitoring")
            }
        }
    }

    @Test func slack_blocks_follow_the_spec_and_stay_within_limits() throws {
        let body = try WebhookFixtures.object(WebhookPayloads.slack(WebhookFixtures.cpuEnglish))
        #expect(WebhookFixtures.slackViolations(body) == [])
        let blocks = try #require(body["blocks"] as? [[String: Any]])
        #expect(
            blocks.map { $0["type"] as? String } == [
                "header", "section", "divider", "section", "section", "section", "section", "section", "actions", "divider",
                "context",
            ])
        // Slack mrkdwn: &, < and > escaped; the header is plain_text and shown as is.
        #expect(body["text"] as? String == "🏢 ACME &amp; SONS &lt;EU&gt; - 🟠 CRITICAL - High CPU usage - WEB-FRONT-02")
        let header = try #require(blocks[0]["text"] as? [String: Any])
        #expect(header["text"] as? String == "🏢 ACME & SONS <EU>")
        let context = try #require(blocks.last?["elements"] as? [[String: Any]])
        #expect(context.map { $0["text"] as? String } == ["🟠 *Optralis* Monitoring • _See further. Act faster._"])
    }

    @Test func slack_code_spans_cannot_be_broken_by_a_backtick() throws {
        var alert = WebhookFixtures.offlineFrench
        alert.machineName = "SRV`01 <x>"
        let body = try WebhookFixtures.object(WebhookPayloads.slack(alert))
        let texts = WebhookFixtures.strings(body)
        #expect(texts.contains("*🖥️ Machine*\n`SRVˋ01 &lt;x&gt;`"))
    }

    @Test func discord_embed_follows_the_spec_without_the_image() throws {
        let body = try WebhookFixtures.object(WebhookPayloads.discord(WebhookFixtures.offlineFrench))
        #expect(WebhookFixtures.discordViolations(body) == [])
        let embed = try #require((body["embeds"] as? [[String: Any]])?.first)
        #expect(embed["image"] == nil)
        #expect(embed["title"] as? String == "🔴 MACHINE OFFLINE")
        #expect(embed["color"] as? Int == 15_680_580)
        #expect(embed["timestamp"] as? String == "2026-01-08T13:30:00Z")
        #expect((embed["author"] as? [String: Any])?["name"] as? String == "Client : MonClient")
        let fields = try #require(embed["fields"] as? [[String: Any]])
        #expect(fields.last?["inline"] as? Bool == false)
        #expect(fields.dropLast().allSatisfy { $0["inline"] as? Bool == true })
    }

    @Test func discord_colours_follow_the_alert_type() {
        #expect(WebhookPayloads.discordColor(.machineOffline) == 0xef4444)
        #expect(WebhookPayloads.discordColor(.diskCritical) == 0xef4444)
        #expect(WebhookPayloads.discordColor(.bruteForce) == 0xef4444)
        #expect(WebhookPayloads.discordColor(.machineOnline) == 0x22c55e)
        #expect(WebhookPayloads.discordColor(.highCPU) == 0xf97316)
        #expect(WebhookPayloads.discordColor(.highRAM) == 0xf97316)
        #expect(WebhookPayloads.discordColor(.smartWarning) == 0xf59e0b)
        #expect(WebhookPayloads.discordColor(.test) == 0x3b82f6)
    }

    @Test func a_missing_or_unsafe_dashboard_link_leaves_out_the_button() throws {
        for url in [nil, "", "javascript:alert(1)", "https://exa mple.com", "ftp://example.com/x", "https://"] {
            var alert = WebhookFixtures.offlineFrench
            alert.dashboardURL = url
            let teams = try WebhookFixtures.teamsCard(WebhookFixtures.object(WebhookPayloads.teams(alert)))
            #expect(teams["actions"] == nil, "\(url ?? "nil")")
            let slack = try WebhookFixtures.object(WebhookPayloads.slack(alert))
            #expect(!(slack["blocks"] as? [[String: Any]] ?? []).contains { $0["type"] as? String == "actions" })
            let discord = try WebhookFixtures.object(WebhookPayloads.discord(alert))
            #expect(!WebhookFixtures.strings(discord).contains("🔗 Lien"))
        }
    }

    @Test func discord_link_parentheses_are_encoded() throws {
        var alert = WebhookFixtures.offlineFrench
        alert.dashboardURL = "https://app.optralis.example/m/(1)"
        let discord = try WebhookFixtures.object(WebhookPayloads.discord(alert))
        #expect(WebhookFixtures.strings(discord).contains("[Voir la machine](https://app.optralis.example/m/%281%29)"))
    }

    @Test func absent_facts_are_left_out() throws {
        let alert = AlertNotification(
            alertType: .machineOnline, clientName: "MonClient", language: "fr", occurredAt: WebhookFixtures.januaryAfternoon,
            machineName: "SRV-PROD-01")
        let slack = try WebhookFixtures.object(WebhookPayloads.slack(alert))
        #expect(WebhookFixtures.slackViolations(slack) == [])
        let slackTexts = WebhookFixtures.strings(slack)
        #expect(slackTexts.contains("🟢 *RÉTABLI* - Machine de retour en ligne"))
        #expect(!slackTexts.contains { $0.contains("Système") || $0.contains("IP locale") || $0.contains("Détails") })
        let discord = try WebhookFixtures.object(WebhookPayloads.discord(alert))
        let embed = try #require((discord["embeds"] as? [[String: Any]])?.first)
        #expect(embed["description"] as? String == "SRV-PROD-01")
        #expect((embed["fields"] as? [[String: Any]])?.count == 1) // "Détecté le" only
        #expect(embed["color"] as? Int == 0x22c55e)
    }

    @Test func a_test_alert_says_it_is_a_test_for_the_client_and_the_channel() throws {
        for language in ["fr", "en"] {
            let alert = WebhookFixtures.alert(.test, language: language)
            let bodies = [
                ("Microsoft Teams", WebhookPayloads.teams(alert)), ("Slack", WebhookPayloads.slack(alert)),
                ("Discord", WebhookPayloads.discord(alert)),
            ]
            for (platform, bytes) in bodies {
                let texts = WebhookFixtures.strings(try WebhookFixtures.object(bytes))
                let notice = texts.first { $0.contains("Optralis") && $0.contains(language == "fr" ? "test" : "test message") }
                #expect(notice?.contains("Clinique Saint-Éloi") == true, "\(platform) \(language)")
                #expect(notice?.contains(platform) == true, "\(platform) \(language)")
            }
        }
    }

    @Test func an_ai_message_shows_its_title_text_machine_severity_and_link_on_every_platform() throws {
        let link = "https://app.optralis.example/machines/7f3c2a9e-1b4d-4c8e-9a51-2d6e0f8b7c13"
        let alert = AlertNotification(
            alertType: .aiAnalysis, clientName: "Clinique Saint-Éloi", language: "fr", occurredAt: WebhookFixtures.julyMorning,
            machineName: "srv-01", severity: "critical", message: "Raison : CPU 97% above 95%\nAnalyse : success", dashboardURL: link,
            title: "Déclencheur IA critical_machine - srv-01 - Clinique Saint-Éloi")
        let bodies = [("Teams", WebhookPayloads.teams(alert)), ("Slack", WebhookPayloads.slack(alert)), ("Discord", WebhookPayloads.discord(alert))]
        for (platform, bytes) in bodies {
            let texts = WebhookFixtures.strings(try WebhookFixtures.object(bytes))
            #expect(texts.contains { $0.contains("Déclencheur IA critical_machine - srv-01") }, "\(platform): the title: \(texts)")
            #expect(texts.contains { $0.contains("Raison : CPU 97% above 95%\nAnalyse : success") }, "\(platform): the text, lines kept")
            #expect(texts.contains { $0.contains("srv-01") && !$0.contains("Déclencheur") }, "\(platform): the machine")
            // Discord shows no severity word for alerts either: its colour says it (below).
            #expect(platform == "Discord" || texts.contains { $0.contains("CRITIQUE") }, "\(platform): the trigger's severity")
            #expect(texts.contains { $0.contains(link) }, "\(platform): the link")
            #expect(!texts.contains { $0.contains("ANALYSE IA") }, "\(platform): the title replaces the type's wording")
        }
        let discord = try #require((try WebhookFixtures.object(bodies[2].1)["embeds"] as? [[String: Any]])?.first)
        #expect(discord["title"] as? String == "🤖 Déclencheur IA critical_machine - srv-01 - Clinique Saint-Éloi")
        #expect(discord["color"] as? Int == WebhookPayloads.discordColor(.diskCritical), "a critical AI message is red")
    }

    @Test func an_ai_message_without_severity_or_title_is_blue_information() throws {
        let alert = AlertNotification(
            alertType: .aiAnalysis, clientName: "Clinique Saint-Éloi", language: "en", occurredAt: WebhookFixtures.julyMorning,
            message: "Machines analysed: 2")
        for (platform, bytes) in [
            ("Teams", WebhookPayloads.teams(alert)), ("Slack", WebhookPayloads.slack(alert)), ("Discord", WebhookPayloads.discord(alert)),
        ] {
            let texts = WebhookFixtures.strings(try WebhookFixtures.object(bytes))
            #expect(texts.contains { $0.contains("AI analysis") || $0.contains("AI ANALYSIS") }, "\(platform): \(texts)")
            #expect(platform == "Discord" || texts.contains { $0.contains("INFO") }, "\(platform): \(texts)")
            #expect(!texts.contains { $0.contains("CRITICAL") || $0.contains("WARNING") }, "\(platform)")
        }
        let embed = try #require((try WebhookFixtures.object(WebhookPayloads.discord(alert))["embeds"] as? [[String: Any]])?.first)
        #expect(embed["title"] as? String == "🤖 AI ANALYSIS" && embed["color"] as? Int == WebhookPayloads.discordColor(.aiAnalysis))
    }

    @Test func metric_alerts_show_value_against_threshold() throws {
        let french = WebhookFixtures.alert(.highRAM, language: "fr")
        #expect(WebhookFixtures.strings(try WebhookFixtures.object(WebhookPayloads.discord(french))).contains("91.2 % (seuil 90 %)"))
        let english = WebhookFixtures.alert(.diskCritical, language: "en")
        #expect(WebhookFixtures.strings(try WebhookFixtures.object(WebhookPayloads.teams(english))).contains("91.2% (threshold 90%)"))
    }

    @Test func control_characters_never_reach_a_body() throws {
        var alert = WebhookFixtures.offlineFrench
        alert.clientName = "Mon\u{0}Client\u{7}"
        alert.machineName = "SRV\u{1B}[31m-01\u{202E}"
        alert.message = "ligne 1\r\nligne 2\u{85}\u{7F}"
        for bytes in [WebhookPayloads.teams(alert), WebhookPayloads.slack(alert), WebhookPayloads.discord(alert)] {
            let texts = WebhookFixtures.strings(try WebhookFixtures.object(bytes))
            for text in texts {
                #expect(!text.unicodeScalars.contains { $0 != "\n" && $0.properties.generalCategory == .control }, "\(text)")
                #expect(!text.unicodeScalars.contains { $0.value == 0x202E })
            }
            #expect(texts.contains { $0.contains("ligne 1\nligne 2") })
        }
    }
}
