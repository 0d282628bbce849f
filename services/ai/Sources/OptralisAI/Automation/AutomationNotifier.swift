import Foundation
import Logging
import OptralisCore
import OptralisRedis
import PostgresNIO

/// Sends a routine's or a trigger's text summary to the client's chosen notification channels:
/// one `routine_notification` job on `email:queue` per address of each email channel (the
/// spec's "Notification simple (texte) des routines IA"). Webhook channels are not sent to yet
/// (the notifier's channel deliveries only carry alert types); they are logged and skipped.
struct AutomationNotifier: Sendable {
    let database: PostgresClient
    let queues: NotificationQueues
    let logger: Logger

    /// The number of email jobs enqueued. Channels of another client are ignored.
    @discardableResult
    func notify(clientID: UUID, channels: [UUID], language: String, subject: String, text: String, now: Date) async -> Int {
        guard !channels.isEmpty else { return 0 }
        do {
            let rows = try await database.query(
                """
                SELECT id, type, ARRAY(SELECT jsonb_array_elements_text(COALESCE(config->'emails', '[]'::jsonb)))
                FROM notification_channels
                WHERE client_id = \(clientID) AND id = ANY(\(channels)::uuid[]) AND enabled
                """, logger: logger)
            var sent = 0
            for try await (channelID, type, emails) in rows.decode((UUID, String, [String]).self) {
                guard type == "email" else {
                    logger.info("ai automation notification skipped: webhook channel", metadata: ["optralis.channel_id": "\(channelID)", "type": "\(type)"])
                    continue
                }
                for email in emails {
                    try await queues.enqueue(EmailJob(
                        type: "routine_notification", email: email, language: language,
                        data: ["subject": subject, "textBody": text], createdAt: now))
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
