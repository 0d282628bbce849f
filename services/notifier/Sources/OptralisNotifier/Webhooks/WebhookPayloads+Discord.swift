extension WebhookPayloads {
    static func discordBody(_ content: WebhookAlertContent) -> [UInt8] {
        let length = WebhookText.Measure.utf16
        let author = WebhookText.truncate(
            content.french ? "Client : \(content.clientName)" : "Client: \(content.clientName)",
            maxLength: WebhookLimits.discordMaxAuthorName)
        let title = WebhookText.truncate(content.title, maxLength: WebhookLimits.discordMaxTitle)
        let footer = "🟠 \(brand) Monitoring"

        var fields: [(name: String, value: String, inline: Bool)] = []
        if let metric = content.metric { fields.append((content.metricLabel, metric, true)) }
        if let lastSeen = content.lastSeen { fields.append((content.lastSeenLabel, lastSeen, true)) }
        if let os = content.os { fields.append((content.osLabel, os, true)) }
        if let ip = content.ip { fields.append((content.ipLabel, ip, true)) }
        if let version = content.agentVersion { fields.append((content.agentLabel, version, true)) }
        if let channel = content.agentChannel { fields.append((content.channelLabel, channel, true)) }
        fields.append((content.detectedLabel, content.date, true))
        if let url = content.dashboardURL {
            let link = "[\(content.linkText)](\(url.replacingParentheses()))"
            if link.utf16.count <= WebhookLimits.discordMaxFieldValue { fields.append((content.linkLabel, link, false)) }
        }
        fields = fields.prefix(WebhookLimits.discordMaxFields).map {
            (
                WebhookText.truncate($0.name, maxLength: WebhookLimits.discordMaxFieldName),
                WebhookText.truncate($0.value, maxLength: WebhookLimits.discordMaxFieldValue), $0.inline
            )
        }

        // The description (machine, test notice, free text) gets what the 6,000-character total leaves.
        let others =
            [author, title, footer].map(length.length(of:)).reduce(0, +)
            + fields.map { length.length(of: $0.name) + length.length(of: $0.value) }.reduce(0, +)
        let room = min(WebhookLimits.discordMaxDescription, WebhookLimits.discordMaxEmbedTotal - others)
        let lead = [content.machine, content.notice].compactMap { $0 }.joined(separator: "\n\n")
        var description = WebhookText.truncate(lead, maxLength: room)
        if let details = content.details {
            let separator = description.isEmpty ? "" : "\n\n"
            let rest = WebhookText.truncate(
                details, maxLength: room - length.length(of: description) - length.length(of: separator))
            if !rest.isEmpty { description += separator + rest }
        }

        var embed: [String: WebhookJSON] = [
            "author": ["name": .string(author)],
            "title": .string(title),
            "color": .int(discordColor(content)),
            "fields": .array(fields.map { ["name": .string($0.name), "value": .string($0.value), "inline": .bool($0.inline)] }),
            "footer": ["text": .string(footer)],
            "timestamp": .string(content.timestamp),
        ]
        if !description.isEmpty { embed["description"] = .string(description) }
        return WebhookJSON.object(["embeds": [.object(embed)]]).serialized()
    }
}

extension String {
    /// Parentheses percent-encoded, so that a URL cannot end a Markdown link early.
    fileprivate func replacingParentheses() -> String {
        replacingOccurrences(of: "(", with: "%28").replacingOccurrences(of: ")", with: "%29")
    }
}
