import Foundation
import OptralisCore
import OptralisNotifier
import Testing

/// Sample alerts, golden files and JSON helpers shared by the webhook suites.
enum WebhookFixtures {
    /// 2026-01-08 13:30:00 UTC (14:30 in Paris).
    static let januaryAfternoon = Date(timeIntervalSince1970: 1_767_879_000)
    /// 2026-07-14 09:05:00 UTC (11:05 in Paris, summer time).
    static let julyMorning = Date(timeIntervalSince1970: 1_784_019_900)

    static let offlineFrench = AlertNotification(
        alertType: .machineOffline, clientName: "MonClient", language: "fr", occurredAt: januaryAfternoon,
        machineName: "SRV-PROD-01", lastSeen: januaryAfternoon.addingTimeInterval(-5 * 60), os: "Windows 11 Pro",
        ip: "192.168.1.42", agentVersion: "2.1.0", agentChannel: "stable", severity: "warning",
        message: "Aucun heartbeat reçu depuis 5 minutes (règle « Serveurs hors ligne »).",
        dashboardURL: "https://app.optralis.example/machines/7f3c2a9e-1b4d-4c8e-9a51-2d6e0f8b7c13")

    static let cpuEnglish = AlertNotification(
        alertType: .highCPU, clientName: "Acme & Sons <EU>", language: "en", occurredAt: julyMorning,
        machineName: "WEB-FRONT-02", lastSeen: julyMorning.addingTimeInterval(-2 * 3600 - 90), os: "Ubuntu 24.04.1 LTS",
        ip: "10.0.3.17", agentVersion: "2.2.0-beta.3", agentChannel: "beta", value: 93.46, threshold: 85,
        severity: "critical", message: "CPU above 85% for 10 minutes (rule \"Web servers > 85%\").",
        dashboardURL: "https://app.optralis.example/machines/0b5e8d21-6a3f-4f7c-8e2d-91c4a7b3e650")

    /// A 50,000-character message mixing ASCII, accented letters, combining marks, emoji (with ZWJ and
    /// flags), markup characters and line breaks.
    static let hugeMessage: String = {
        let unit = "Évènement ⚠️ disque plein 💾 sur Zoë 👨‍👩‍👧‍👦 🇫🇷 e\u{301} <b>&</b> `x` \"q\" \\ \n"
        var text = ""
        while text.count < 50_000 { text += unit }
        return String(text.prefix(50_000))
    }()

    static func alert(_ type: AlertType, language: String, message: String? = nil) -> AlertNotification {
        AlertNotification(
            alertType: type, clientName: "Clinique Saint-Éloi", language: language, occurredAt: januaryAfternoon,
            machineName: type == .test ? nil : "PC-ACCUEIL-03", lastSeen: januaryAfternoon.addingTimeInterval(-3 * 86_400),
            os: "Windows 10 Pro", ip: "192.168.10.23", agentVersion: "2.1.0", agentChannel: "stable",
            value: [.highCPU, .highRAM, .diskCritical].contains(type) ? 91.2 : nil,
            threshold: [.highCPU, .highRAM, .diskCritical].contains(type) ? 90 : nil, message: message,
            dashboardURL: "https://app.optralis.example/dashboard")
    }

    // MARK: JSON

    static func object(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(bytes))
        return try #require(value as? [String: Any], sourceLocation: sourceLocation)
    }

    /// Parsed and re-serialised with sorted keys, so that two texts compare whatever their white space.
    static func canonical(_ data: Data) throws -> Data {
        let value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        return try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
    }

    static var fixtureDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// Compares `bytes` with the golden file `name`; with OPTRALIS_UPDATE_GOLDENS=1, (re)writes it instead.
    static func expectGolden(_ bytes: [UInt8], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = fixtureDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["OPTRALIS_UPDATE_GOLDENS"] == "1" {
            let pretty = try JSONSerialization.data(
                withJSONObject: JSONSerialization.jsonObject(with: Data(bytes)),
                options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            try (pretty + Data("\n".utf8)).write(to: url)
            return
        }
        let expected = try canonical(Data(contentsOf: url))
        let actual = try canonical(Data(bytes))
        #expect(
            actual == expected, "\(name) differs:\n\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
    }

    // MARK: Limits

    static func utf16(_ value: Any?) -> Int { (value as? String)?.utf16.count ?? 0 }

    /// Every Slack limit the body breaks (empty when within all).
    static func slackViolations(_ body: [String: Any]) -> [String] {
        var problems: [String] = []
        let blocks = body["blocks"] as? [[String: Any]] ?? []
        if blocks.isEmpty { problems.append("no blocks") }
        if blocks.count > WebhookLimits.slackMaxBlocks { problems.append("\(blocks.count) blocks") }
        for block in blocks {
            let text = block["text"] as? [String: Any]
            switch block["type"] as? String {
            case "header":
                if utf16(text?["text"]) > WebhookLimits.slackMaxHeaderText { problems.append("header too long") }
                if text?["type"] as? String != "plain_text" { problems.append("header not plain_text") }
            case "section":
                if utf16(text?["text"]) > WebhookLimits.slackMaxSectionText { problems.append("section text too long") }
                let fields = block["fields"] as? [[String: Any]] ?? []
                if fields.count > WebhookLimits.slackMaxFieldsPerSection { problems.append("\(fields.count) fields") }
                for field in fields where utf16(field["text"]) > WebhookLimits.slackMaxFieldText {
                    problems.append("field text too long")
                }
                if text == nil && fields.isEmpty { problems.append("empty section") }
            default: break
            }
        }
        return problems
    }

    /// Every Discord embed limit the body breaks (empty when within all).
    static func discordViolations(_ body: [String: Any]) -> [String] {
        guard let embeds = body["embeds"] as? [[String: Any]], embeds.count == 1, let embed = embeds.first else {
            return ["not one embed"]
        }
        var problems: [String] = []
        let author = (embed["author"] as? [String: Any])?["name"]
        let footer = (embed["footer"] as? [String: Any])?["text"]
        let fields = embed["fields"] as? [[String: Any]] ?? []
        if utf16(embed["title"]) > WebhookLimits.discordMaxTitle { problems.append("title too long") }
        if utf16(embed["description"]) > WebhookLimits.discordMaxDescription { problems.append("description too long") }
        if utf16(author) > WebhookLimits.discordMaxAuthorName { problems.append("author too long") }
        if utf16(footer) > WebhookLimits.discordMaxFooter { problems.append("footer too long") }
        if fields.count > WebhookLimits.discordMaxFields { problems.append("\(fields.count) fields") }
        var total = utf16(embed["title"]) + utf16(embed["description"]) + utf16(author) + utf16(footer)
        for field in fields {
            let name = utf16(field["name"]), value = utf16(field["value"])
            if name == 0 || name > WebhookLimits.discordMaxFieldName { problems.append("field name length \(name)") }
            if value == 0 || value > WebhookLimits.discordMaxFieldValue { problems.append("field value length \(value)") }
            total += name + value
        }
        if total > WebhookLimits.discordMaxEmbedTotal { problems.append("embed total \(total)") }
        return problems
    }

    /// The Adaptive Card inside a Teams body.
    static func teamsCard(_ body: [String: Any]) throws -> [String: Any] {
        let attachments = try #require(body["attachments"] as? [[String: Any]])
        try #require(attachments.count == 1)
        return try #require(attachments[0]["content"] as? [String: Any])
    }

    /// Every string in a JSON tree.
    static func strings(_ value: Any) -> [String] {
        switch value {
        case let text as String: [text]
        case let array as [Any]: array.flatMap(strings)
        case let object as [String: Any]: object.values.flatMap(strings)
        default: []
        }
    }
}
