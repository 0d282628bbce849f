import Foundation
import Logging
import OptralisCore
import OptralisRedis
import PostgresNIO

/// Sends a routine's or a trigger's ``AutomationMessage`` to the channels it names, among the
/// client's enabled ones (a channel of another client is never used): one `routine_notification`
/// job on `email:queue` per address of each email channel (the spec's "Notification simple
/// (texte) des routines IA"), and one `ai_analysis` delivery on `notification:queue` per Teams,
/// Slack or Discord channel, which the notifier posts in each platform's format with the
/// retries, dead letters and `notification_history` of an alert.
struct AutomationNotifier: Sendable {
    let database: PostgresClient
    let queues: NotificationQueues
    /// The dashboard's address (`PUBLIC_URL`), for the webhooks' link.
    let publicURL: String
    let logger: Logger

    /// The number of jobs enqueued (email addresses plus webhook channels).
    @discardableResult
    func notify(clientID: UUID, channels: [UUID], message: AutomationMessage, now: Date) async -> Int {
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
                        try await queues.enqueue(
                            EmailJob(
                                type: "routine_notification", email: email, language: message.language,
                                data: ["subject": message.subject, "textBody": message.text], createdAt: now))
                        sent += 1
                    }
                } else {
                    try await queues.enqueue(
                        ChannelDelivery(
                            channelID: channelID, clientID: clientID, notification: webhookNotification(message, clientName: clientName, now: now),
                            machineID: message.machineID, createdAt: now))
                    sent += 1
                }
            }
            return sent
        } catch {
            logger.error("ai automation notification failed", metadata: ["optralis.client_id": "\(clientID)", "error": "\(error)"])
            return 0
        }
    }

    func webhookNotification(_ message: AutomationMessage, clientName: String, now: Date) -> AlertNotification {
        AlertNotification(
            alertType: .aiAnalysis, clientName: clientName, language: message.language, occurredAt: now, machineName: message.hostname,
            severity: message.severity, message: message.text, dashboardURL: message.link(publicURL: publicURL), title: message.headline)
    }
}
