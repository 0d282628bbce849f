extension WebhookPayloads {
    static func teamsBody(_ content: WebhookAlertContent, version: String) -> [UInt8] {
        func body(_ details: String?) -> [UInt8] {
            teamsMessage(content, details: details?.isEmpty == false ? details : nil, version: version).serialized()
        }
        guard let full = content.details else { return body(nil) }
        let details = WebhookText.longestCut(of: full, upTo: full.utf8.count, measure: .utf8) {
            body($0).count <= WebhookLimits.teamsMaxBodyBytes
        }
        return body(details)
    }

    static func teamsMessage(_ content: WebhookAlertContent, details: String?, version: String) -> WebhookJSON {
        var body: [WebhookJSON] = [
            textBlock(content.header, ["size": "Large", "weight": "Bolder", "color": "Accent"]),
            textBlock(
                "\(content.statusEmoji) **\(content.severityWord)** - \(content.statusLabel)",
                ["size": "Medium", "color": .string(teamsColor(content))]),
            textBlock("━━━━━━━━━━━━━━━━━━━━", ["size": "Small", "color": "Light"]),
        ]
        if let notice = content.notice { body.append(textBlock(notice, ["wrap": true])) }
        for row in content.facts.webhookChunks(of: 2) {
            let columns: [WebhookJSON] = row.map { fact in
                let valueStyle: [String: WebhookJSON] =
                    switch fact.style {
                    case .emphasised: ["size": "Medium", "weight": "Bolder"]
                    case .medium: ["size": "Medium"]
                    case .plain: [:]
                    }
                return [
                    "type": "Column", "width": "stretch",
                    "items": [
                        textBlock(fact.label, ["size": "Small", "color": "Light", "weight": "Bolder"]),
                        textBlock(fact.value, valueStyle),
                    ],
                ]
            }
            body.append(["type": "ColumnSet", "columns": .array(columns)])
        }
        if let details {
            body.append(textBlock(content.detailsLabel, ["size": "Small", "color": "Light", "weight": "Bolder"]))
            body.append(textBlock(details, ["wrap": true]))
        }
        body.append(textBlock("🟠 **\(brand)** Monitoring", ["size": "Small", "color": "Light"]))

        var card: [String: WebhookJSON] = [
            "type": "AdaptiveCard",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": .string(version),
            "body": .array(body),
        ]
        if let url = content.dashboardURL {
            card["actions"] = [["type": "Action.OpenUrl", "title": .string(content.buttonTitle), "url": .string(url)]]
        }
        return [
            "type": "message",
            "attachments": [
                ["contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": nil, "content": .object(card)]
            ],
        ]
    }

    private static func textBlock(_ text: String, _ attributes: [String: WebhookJSON]) -> WebhookJSON {
        var block = attributes
        block["type"] = "TextBlock"
        block["text"] = .string(text)
        return .object(block)
    }
}
