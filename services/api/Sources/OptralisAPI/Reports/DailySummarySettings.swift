import Foundation
import OptralisCore

/// A client's daily summary setting (`daily_summary` of `GET|PUT /api/settings`): on or off, the
/// hour (0–23) in its IANA time zone, and up to 20 recipients (none: the client's admins).
struct DailySummarySettings: Codable, Sendable, Equatable {
    static let maximumRecipients = 20

    var enabled: Bool
    var hour: Int
    var timezone: String
    var recipients: [String]
    /// The client's local date of the last summary sent (read only).
    var lastSentOn: String?

    enum CodingKeys: String, CodingKey {
        case enabled, hour, timezone, recipients
        case lastSentOn = "last_sent_on"
    }

    /// The `daily_summary` object of `PUT /api/settings`: absent fields keep their value.
    struct Change: Decodable, Sendable {
        let enabled: Bool?
        let hour: Int?
        let timezone: String?
        let recipients: [String]?

        /// The setting with this change applied, every field checked (400 `VALIDATION_ERROR`
        /// naming it).
        func applied(to current: DailySummarySettings) throws -> DailySummarySettings {
            var settings = current
            if let enabled { settings.enabled = enabled }
            if let hour {
                try Validation.integer(hour, field: "daily_summary.hour", in: 0...23)
                settings.hour = hour
            }
            if let timezone {
                do {
                    settings.timezone = try SitesController.timezone(timezone) ?? settings.timezone
                } catch {
                    throw APIError.validation("daily_summary.timezone must be an IANA time zone such as Europe/Paris")
                }
            }
            if let recipients { settings.recipients = try Self.addresses(recipients) }
            return settings
        }

        /// Trimmed, lowercased, each once, in the order given.
        static func addresses(_ raw: [String]) throws -> [String] {
            var seen = Set<String>()
            var addresses: [String] = []
            for value in raw {
                let address = value.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                guard Validation.isEmail(address) else {
                    throw APIError.validation(
                        "daily_summary.recipients: \(address.isEmpty ? "\"\"" : String(address.prefix(100))) is not a valid email address")
                }
                if seen.insert(address).inserted { addresses.append(address) }
            }
            guard addresses.count <= DailySummarySettings.maximumRecipients else {
                throw APIError.validation("daily_summary.recipients must hold at most \(DailySummarySettings.maximumRecipients) email addresses")
            }
            return addresses
        }
    }
}
