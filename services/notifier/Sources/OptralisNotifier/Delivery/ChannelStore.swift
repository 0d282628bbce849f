import Foundation
import Logging
import PostgresNIO

/// The notifier's reads of `notification_channels` and writes of `notification_history`.
struct ChannelStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    struct Channel: Sendable {
        let id: UUID
        let clientID: UUID
        let type: String
        let enabled: Bool
        let config: ChannelConfig
    }

    /// The channel's JSON config: `emails` (email) or `webhook_url` (+ `card_version` for Teams).
    struct ChannelConfig: Decodable, Sendable {
        var emails: [String]?
        var webhookURL: String?
        var cardVersion: String?
        enum CodingKeys: String, CodingKey { case emails, webhookURL = "webhook_url", cardVersion = "card_version" }
    }

    /// The channel, only if it belongs to the job's client.
    func channel(id: UUID, clientID: UUID) async throws -> Channel? {
        let rows = try await client.query(
            "SELECT id, client_id, type, enabled, config::text FROM notification_channels WHERE id = \(id) AND client_id = \(clientID)",
            logger: logger)
        for try await (id, clientID, type, enabled, config) in rows.decode((UUID, UUID, String, Bool, String).self) {
            let parsed = (try? JSONDecoder().decode(ChannelConfig.self, from: Data(config.utf8))) ?? ChannelConfig()
            return Channel(id: id, clientID: clientID, type: type, enabled: enabled, config: parsed)
        }
        return nil
    }

    struct Attempt: Sendable {
        let delivery: ChannelDeliveryRecord
        let channelType: String
        let subject: String
        let status: String
        let attempts: Int
        let error: String?
    }

    func record(_ attempt: Attempt) async {
        let job = attempt.delivery
        do {
            try await client.query(
                """
                INSERT INTO notification_history
                    (client_id, channel_id, channel_type, alert_type, severity, machine_id, rule_id, job_id, subject, message, status, attempts, error_message)
                SELECT \(job.clientID), c.id, \(attempt.channelType), \(job.alertType), \(job.severity), m.id, r.id, \(job.jobID),
                       \(attempt.subject), \(job.message), \(attempt.status), \(attempt.attempts), \(attempt.error)
                FROM (SELECT 1) one
                LEFT JOIN notification_channels c ON c.id = \(job.channelID) AND c.client_id = \(job.clientID)
                LEFT JOIN machines m ON m.id = \(job.machineID) AND m.client_id = \(job.clientID)
                LEFT JOIN alert_rules r ON r.id = \(job.ruleID) AND r.client_id = \(job.clientID)
                WHERE EXISTS (SELECT 1 FROM clients WHERE id = \(job.clientID))
                """, logger: logger)
        } catch {
            logger.error("notification history not recorded", metadata: ["job_id": "\(job.jobID)", "error": "\(String(reflecting: error))"])
        }
    }
}

/// The parts of a ``ChannelDelivery`` the history keeps.
struct ChannelDeliveryRecord: Sendable {
    let jobID: String
    let clientID: UUID
    let channelID: UUID
    let machineID: UUID?
    let ruleID: UUID?
    let alertType: String
    let severity: String?
    let message: String
}
