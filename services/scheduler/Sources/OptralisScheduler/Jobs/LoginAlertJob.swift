import Foundation
import Logging
import OptralisCore
import OptralisRedis
import PostgresNIO

/// Every minute: repeated failed logins (`brute_force`). The activity log's failed logins of the
/// last 15 minutes are counted per account tried (``accountThreshold``, whatever the addresses:
/// the api's own limit stops one address after 5 per account) and per address
/// (``addressThreshold``, whatever the accounts: credential stuffing). An account of a client
/// alerts that client's admins by email and its channels that take `brute_force`; an account of
/// no client (a super_admin's, or an address that is no account) and an address alert the
/// super_admins. Each account or address is alerted at most once an hour (`login_alerts`).
struct LoginAlertJob: Sendable {
    let client: PostgresClient
    let queues: NotificationQueues
    let publicURL: String
    let logger: Logger
    static let accountThreshold = 5
    static let addressThreshold = 20

    func run() async throws -> [String: Int] {
        try await client.query("DELETE FROM login_alerts WHERE alerted_at < now() - INTERVAL '1 day'", logger: logger)
        typealias Row = (String, String, Int, Int, UUID?, String?, String?)
        let rows = try await client.query(
            """
            WITH failures AS (
                SELECT lower(metadata->>'email') AS email, ip_address, client_id
                FROM activity_logs
                WHERE category = 'auth' AND message = 'Échec de connexion' AND timestamp > now() - INTERVAL '15 minutes'
            ), candidates AS (
                SELECT 'account' AS kind, email AS subject, count(*)::int AS attempts, count(DISTINCT ip_address)::int AS spread,
                       (array_agg(client_id) FILTER (WHERE client_id IS NOT NULL))[1] AS client_id
                FROM failures WHERE email IS NOT NULL GROUP BY email HAVING count(*) >= \(Self.accountThreshold)
                UNION ALL
                SELECT 'address', ip_address, count(*)::int, count(DISTINCT email)::int, NULL::uuid
                FROM failures WHERE ip_address IS NOT NULL GROUP BY ip_address HAVING count(*) >= \(Self.addressThreshold)
            ), alerted AS (
                INSERT INTO login_alerts (kind, subject)
                SELECT kind, left(subject, 320) FROM candidates
                ON CONFLICT (kind, subject) DO UPDATE SET alerted_at = now() WHERE login_alerts.alerted_at < now() - INTERVAL '1 hour'
                RETURNING kind, subject
            )
            SELECT c.kind, c.subject, c.attempts, c.spread, c.client_id, cl.name, cl.language
            FROM candidates c JOIN alerted a ON a.kind = c.kind AND a.subject = left(c.subject, 320)
            LEFT JOIN clients cl ON cl.id = c.client_id
            """, logger: logger
        ).decode(Row.self).collect()
        var emails = 0, deliveries = 0
        for (kind, subject, attempts, spread, clientID, clientName, clientLanguage) in rows {
            let attack = LoginAttack(account: kind == "account", subject: subject, attempts: attempts, spread: spread)
            for (email, language) in try await recipients(clientID: clientID) {
                try await queues.enqueue(
                    EmailJob(
                        type: "security_notice", email: email, language: language,
                        data: [
                            "subject": attack.subject(french: language != "en"),
                            "textBody": attack.text(french: language != "en", activityURL: activityURL(clientID)),
                        ]))
                emails += 1
            }
            guard let clientID, let clientName else { continue }
            let alert = AlertNotification(
                alertType: .bruteForce, clientName: clientName, language: clientLanguage ?? "fr", severity: "critical",
                message: attack.text(french: clientLanguage != "en", activityURL: nil), dashboardURL: "\(publicURL)/users")
            for channel in try await channels(clientID: clientID) {
                try await queues.enqueue(ChannelDelivery(channelID: channel, clientID: clientID, notification: alert))
                deliveries += 1
            }
        }
        if !rows.isEmpty { logger.warning("repeated failed logins alerted", metadata: ["count": "\(rows.count)"]) }
        return ["brute_force_alerts": rows.count, "emails_queued": emails, "deliveries_queued": deliveries].filter { $0.value > 0 }
    }

    /// The client's admins, or without a client the super_admins, with their language.
    private func recipients(clientID: UUID?) async throws -> [(String, String)] {
        let query: PostgresQuery =
            clientID.map {
                "SELECT email, language FROM users WHERE client_id = \($0) AND role = 'admin' ORDER BY email"
            } ?? "SELECT email, language FROM users WHERE role = 'super_admin' ORDER BY email"
        return try await client.query(query, logger: logger).decode((String, String).self).collect()
    }

    private func channels(clientID: UUID) async throws -> [UUID] {
        try await client.query(
            """
            SELECT id FROM notification_channels
            WHERE client_id = \(clientID) AND enabled AND (cardinality(alert_types) = 0 OR 'brute_force' = ANY(alert_types))
            """, logger: logger
        ).decode(UUID.self).collect()
    }

    /// Where the attempts can be read: the platform's activity log for the super_admins.
    private func activityURL(_ clientID: UUID?) -> String? {
        clientID == nil ? "\(publicURL)/admin/activity?category=auth" : nil
    }
}

/// One account or address under repeated failed logins, in words.
struct LoginAttack: Sendable {
    /// An account tried (`subject` is its email), else an address trying (`subject` is the IP).
    let account: Bool
    let subject: String
    let attempts: Int
    /// The addresses that tried the account, or the accounts the address tried.
    let spread: Int

    func subject(french: Bool) -> String {
        if account { return french ? "[Optralis] Tentatives de connexion répétées sur \(subject)" : "[Optralis] Repeated login attempts on \(subject)" }
        return french ? "[Optralis] Tentatives de connexion répétées depuis \(subject)" : "[Optralis] Repeated login attempts from \(subject)"
    }

    func text(french: Bool, activityURL: String?) -> String {
        var text =
            account
            ? (french
                ? "\(attempts) échecs de connexion en 15 minutes sur le compte \(subject), depuis \(spread) adresse(s)."
                : "\(attempts) failed logins in 15 minutes on the account \(subject), from \(spread) address(es).")
            : (french
                ? "\(attempts) échecs de connexion en 15 minutes depuis l'adresse \(subject), sur \(spread) compte(s)."
                : "\(attempts) failed logins in 15 minutes from the address \(subject), on \(spread) account(s).")
        text +=
            french
            ? " Les tentatives sont ralenties (5 échecs par compte et adresse, 100 tentatives par adresse, par quart d'heure). Si ce n'est pas vous, vérifiez les comptes visés et activez la double authentification."
            : " The attempts are slowed down (5 failures per account and address, 100 attempts per address, per 15 minutes). If this is not you, check the accounts targeted and turn on two-step verification."
        if let activityURL { text += (french ? " Journal : " : " Log: ") + activityURL }
        return text
    }
}
