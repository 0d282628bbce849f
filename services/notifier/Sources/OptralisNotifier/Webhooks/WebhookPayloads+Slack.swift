extension WebhookPayloads {
    static func slackBody(_ content: WebhookAlertContent) -> [UInt8] {
        let escaped = WebhookText.slackEscaped
        let header = WebhookText.truncate(content.header, maxLength: WebhookLimits.slackMaxHeaderText)
        let status = "\(content.statusEmoji) *\(content.severityWord)* - \(escaped(content.statusLabel))"

        var blocks: [WebhookJSON] = [
            ["type": "header", "text": ["type": "plain_text", "text": .string(header), "emoji": true]],
            section(status),
        ]
        if let notice = content.notice { blocks.append(section(escaped(notice))) }
        blocks.append(["type": "divider"])
        for row in content.facts.webhookChunks(of: 2) {
            let fields: [WebhookJSON] = row.map { fact in
                let label = "*\(escaped(fact.label))*\n"
                let room = WebhookLimits.slackMaxFieldText - label.utf16.count - (fact.code ? 2 : 0)
                let value = WebhookText.truncate(fact.value, maxLength: room) { text in
                    // Inside a code span a backtick would end it early.
                    escaped(fact.code ? text.replacingBackticks() : text)
                }
                return ["type": "mrkdwn", "text": .string(label + (fact.code ? "`\(value)`" : value))]
            }
            blocks.append(["type": "section", "fields": .array(fields)])
        }
        if let details = content.details {
            let label = "*\(escaped(content.detailsLabel))*\n"
            let room = WebhookLimits.slackMaxSectionText - label.utf16.count
            blocks.append(section(label + WebhookText.truncate(details, maxLength: room, applying: escaped)))
        }
        if let url = content.dashboardURL, url.utf16.count <= WebhookLimits.slackMaxButtonURL {
            blocks.append([
                "type": "actions",
                "elements": [
                    [
                        "type": "button", "style": "primary",
                        "text": ["type": "plain_text", "text": .string(content.buttonTitle), "emoji": true],
                        "url": .string(url),
                    ]
                ],
            ])
        }
        blocks.append(["type": "divider"])
        let motto = content.french ? "Voir plus loin. Agir plus vite." : "See further. Act faster."
        // The spec's context block also shows a logo hosted on the vendor's server: left out.
        blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": .string("🟠 *\(brand)* Monitoring • _\(motto)_")]]])

        let fallback =
            "\(content.header) - \(content.statusEmoji) \(content.severityWord) - \(content.statusLabel)"
            + (content.machine.map { " - \($0)" } ?? "")
        return WebhookJSON.object(["text": .string(escaped(fallback)), "blocks": .array(blocks)]).serialized()
    }

    private static func section(_ mrkdwn: String) -> WebhookJSON {
        ["type": "section", "text": ["type": "mrkdwn", "text": .string(mrkdwn)]]
    }
}

extension String {
    /// Backticks replaced by a look-alike (U+02CB), for text shown inside a Slack code span.
    fileprivate func replacingBackticks() -> String {
        contains("`") ? String(map { $0 == "`" ? "ˋ" : $0 }) : self
    }
}
