import Foundation
import Logging
import OptralisServer
import PostgresNIO

/// `notification_channels` and `notification_history`, always scoped by client.
struct ChannelStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    /// A channel as stored. Encoded (that is, in every response) with its webhook URL masked: the
    /// URL is a credential, written by admins and never read back (``ChannelConfig/maskedURL(_:)``).
    struct Record: Encodable, Sendable {
        let id: UUID
        let type: String
        let name: String
        let enabled: Bool
        let config: ChannelConfig
        let alertTypes: [String]
        /// Limited to this site's machines (nil: every machine).
        let siteID: UUID?
        let createdAt: Date
        let updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, type, name, enabled, config, alertTypes = "alert_types", siteID = "site_id", createdAt = "created_at", updatedAt = "updated_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(type, forKey: .type)
            try container.encode(name, forKey: .name)
            try container.encode(enabled, forKey: .enabled)
            var shown = config
            shown.webhookURL = config.webhookURL.map(ChannelConfig.maskedURL)
            try container.encode(shown, forKey: .config)
            try container.encode(alertTypes, forKey: .alertTypes)
            try container.encode(siteID, forKey: .siteID)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(updatedAt, forKey: .updatedAt)
        }
    }

    /// A channel's settings: `emails` for email, `webhook_url` (+ `card_version` for Teams) otherwise.
    struct ChannelConfig: Codable, Sendable, Equatable {
        var emails: [String]?
        var webhookURL: String?
        var cardVersion: String?
        enum CodingKeys: String, CodingKey { case emails, webhookURL = "webhook_url", cardVersion = "card_version" }

        /// Scheme, host and the last 4 characters: `https://hooks.slack.com/…x9Qz`.
        static func maskedURL(_ url: String) -> String {
            let tail = String(url.suffix(4))
            guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return "…" + tail }
            return "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")/…\(tail)"
        }
    }

    private typealias Row = (UUID, String, String, Bool, String, [String], UUID?, Date, Date)
    private static let columns = "id, type, name, enabled, config::text, alert_types, site_id, created_at, updated_at"

    private func records(_ query: PostgresQuery) async throws -> [Record] {
        var records: [Record] = []
        for try await row in try await database.query(query, logger: logger).decode(Row.self) {
            let config = (try? JSONDecoder().decode(ChannelConfig.self, from: Data(row.4.utf8))) ?? ChannelConfig()
            records.append(
                Record(
                    id: row.0, type: row.1, name: row.2, enabled: row.3, config: config, alertTypes: row.5, siteID: row.6, createdAt: row.7, updatedAt: row.8))
        }
        return records
    }

    func list(clientID: UUID) async throws -> [Record] {
        try await records("SELECT \(unescaped: Self.columns) FROM notification_channels WHERE client_id = \(clientID) ORDER BY created_at")
    }

    func find(id: UUID, clientID: UUID) async throws -> Record? {
        try await records("SELECT \(unescaped: Self.columns) FROM notification_channels WHERE id = \(id) AND client_id = \(clientID)").first
    }

    func insert(clientID: UUID, type: String, name: String, enabled: Bool, config: ChannelConfig, alertTypes: [String], siteID: UUID?, createdBy: UUID)
        async throws -> UUID
    {
        let json = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        let rows = try await database.query(
            """
            INSERT INTO notification_channels (client_id, type, name, enabled, config, alert_types, site_id, created_by)
            VALUES (\(clientID), \(type), \(name), \(enabled), \(json)::jsonb, \(alertTypes), \(siteID), \(createdBy)) RETURNING id
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { return id }
        throw APIError.notFound("channel")
    }

    func update(id: UUID, clientID: UUID, name: String, enabled: Bool, config: ChannelConfig, alertTypes: [String], siteID: UUID?) async throws -> Bool {
        let json = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        let rows = try await database.query(
            """
            UPDATE notification_channels SET name = \(name), enabled = \(enabled), config = \(json)::jsonb, alert_types = \(alertTypes), site_id = \(siteID),
                updated_at = now()
            WHERE id = \(id) AND client_id = \(clientID) RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    func siteExists(_ id: UUID, clientID: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM sites WHERE id = \(id) AND client_id = \(clientID)", logger: logger)
            .decode(Int.self).reduce(into: false) { found, _ in found = true }
    }

    func delete(id: UUID, clientID: UUID) async throws -> Bool {
        let rows = try await database.query("DELETE FROM notification_channels WHERE id = \(id) AND client_id = \(clientID) RETURNING id", logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    struct HistoryEntry: Codable, Sendable {
        let id: UUID
        let channelID: UUID?
        let channelType: String
        let alertType: String
        let severity: String?
        let machineID: UUID?
        let jobID: String?
        let subject: String
        let message: String
        let status: String
        let attempts: Int
        let error: String?
        let sentAt: Date

        enum CodingKeys: String, CodingKey {
            case id, severity, subject, message, status, attempts, error
            case channelID = "channel_id", channelType = "channel_type", alertType = "alert_type", machineID = "machine_id"
            case jobID = "job_id", sentAt = "sent_at"
        }
    }

    struct HistoryFilter: Sendable {
        var channelID: UUID?
        var status: String?
        var alertType: String?
        var from: Date?
        var to: Date?
        var paging: Paging
    }

    func history(clientID: UUID, _ filter: HistoryFilter) async throws -> (entries: [HistoryEntry], total: Int) {
        let rows = try await database.query(
            """
            WITH filtered AS (
                SELECT * FROM notification_history
                WHERE client_id = \(clientID)
                  AND (\(filter.channelID)::uuid IS NULL OR channel_id = \(filter.channelID))
                  AND (\(filter.status)::text IS NULL OR status = \(filter.status))
                  AND (\(filter.alertType)::text IS NULL OR alert_type = \(filter.alertType))
                  AND (\(filter.from)::timestamptz IS NULL OR sent_at >= \(filter.from))
                  AND (\(filter.to)::timestamptz IS NULL OR sent_at <= \(filter.to))
            ), page AS (
                SELECT * FROM filtered ORDER BY sent_at DESC LIMIT \(filter.paging.limit) OFFSET \(filter.paging.offset)
            )
            SELECT (SELECT count(*) FROM filtered)::int, p.id, p.channel_id, p.channel_type, p.alert_type, p.severity, p.machine_id,
                   p.job_id, p.subject, p.message, p.status, p.attempts, p.error_message, p.sent_at
            FROM (SELECT 1) AS one LEFT JOIN page p ON true ORDER BY p.sent_at DESC
            """, logger: logger)
        var entries: [HistoryEntry] = []
        var total = 0
        for try await row in rows.decode((Int, UUID?, UUID?, String?, String?, String?, UUID?, String?, String?, String?, String?, Int?, String?, Date?).self) {
            total = row.0
            guard let id = row.1, let channelType = row.3, let alertType = row.4, let status = row.10, let sentAt = row.13 else { continue }
            entries.append(
                HistoryEntry(
                    id: id, channelID: row.2, channelType: channelType, alertType: alertType, severity: row.5, machineID: row.6, jobID: row.7,
                    subject: row.8 ?? "", message: row.9 ?? "", status: status, attempts: row.11 ?? 1, error: row.12, sentAt: sentAt))
        }
        return (entries, total)
    }

    /// The latest recorded attempt of a queued job (the channel test waits for it).
    func latestAttempt(jobID: String, clientID: UUID) async throws -> (status: String, error: String?)? {
        let rows = try await database.query(
            "SELECT status, error_message FROM notification_history WHERE job_id = \(jobID) AND client_id = \(clientID) ORDER BY sent_at DESC LIMIT 1",
            logger: logger)
        for try await row in rows.decode((String, String?).self) { return row }
        return nil
    }

    func clientInfo(clientID: UUID) async throws -> (name: String, language: String) {
        for try await row in try await database.query("SELECT name, language FROM clients WHERE id = \(clientID)", logger: logger).decode((String, String).self)
        {
            return row
        }
        throw APIError.notFound("client")
    }
}
