import Foundation
import Logging
import OptralisCore
import OptralisRedis
import PostgresNIO

/// Sends a routine's or a trigger's text summary to the client's chosen notification channels:
/// one `routine_notification` job on `email:queue` per address of each email channel (the
/// spec's "Notification simple (texte) des routines IA"), and one `ai_analysis` delivery on
/// `notification:queue` per Teams, Slack or Discord channel, which the notifier posts in each
/// platform's format with its retries and history, like an alert.
struct AutomationNotifier: Sendable {
    let database: PostgresClient
    let queues: NotificationQueues
    let logger: Logger

    /// The number of jobs enqueued (email addresses plus webhook channels). Channels of another
    /// client, or disabled, are ignored.
    @discardableResult
    func notify(
        clientID: UUID, channels: [UUID], language: String, subject: String, text: String, machine: (id: UUID, hostname: String)? = nil,
        now: Date
    ) async -> Int {
        guard !channels.isEmpty else { return 0 }
        do {
            let rows = try await database.query(
                """
                SELECT n.id, n.type, ARRAY(SELECT jsonb_array_elements_text(COALESCE(n.config->'emails', '[]'::jsonb))), c.name
                FROM notification_channels n JOIN clients c ON c.id = n.client_id
                WHERE n.client_id = \(clientID) AND n.id = ANY(\(channels)::uuid[]) AND n.enabled
                """, logger: logger)
            var sent = 0
            for try await (channelID, type, emails, clientName) in rows.decode((UUID, String, [String], String).self) {
                if type == "email" {
                    for email in emails {
                        try await queues.enqueue(EmailJob(
                            type: "routine_notification", email: email, language: language,
                            data: ["subject": subject, "textBody": text], createdAt: now))
                        sent += 1
                    }
                } else {
                    let notification = AlertNotification(
                        alertType: .aiAnalysis, clientName: clientName, language: language, occurredAt: now, machineName: machine?.hostname,
                        message: "\(subject)\n\n\(text)")
                    try await queues.enqueue(ChannelDelivery(channelID: channelID, clientID: clientID, notification: notification, machineID: machine?.id))
                    sent += 1
                }
            }
            return sent
        } catch {
            logger.error("ai automation notification failed", metadata: ["optralis.client_id": "\(clientID)", "error": "\(error)"])
            return 0
        }
    }
}
