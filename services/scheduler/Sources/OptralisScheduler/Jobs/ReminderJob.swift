import Foundation
import Logging
import OptralisCore
import OptralisRedis
import PostgresNIO

/// Daily reminders (09:00 UTC): licences expiring in 30, 14, 7 and 3 days (to the client's
/// admins), passwords expiring in 30, 10 and 3 days (to their user), and machine certificates
/// expiring in 30 or 7 days or expired (one email per client to its admins, listing the
/// machines). Each threshold is sent once (`expiry_reminders`); after downtime only the nearest
/// threshold reached is sent.
struct ReminderJob: Sendable {
    static let licenseThresholds = [30, 14, 7, 3]
    static let passwordThresholds = [30, 10, 3]
    /// Days before a machine certificate expires; 0 = expired (within the last week).
    static let certificateThresholds = [30, 7, 0]

    let client: PostgresClient
    let queues: NotificationQueues
    let publicURL: String
    let logger: Logger

    /// The threshold a reminder is due for, `daysLeft` days before expiry.
    static func threshold(daysLeft: Int, among thresholds: [Int]) -> Int? {
        thresholds.filter { daysLeft <= $0 }.min()
    }

    func run() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        counts["license_reminders"] = try await licenses()
        counts["password_reminders"] = try await passwords()
        counts["certificate_reminders"] = try await certificates()
        return counts.filter { $0.value > 0 }
    }

    private func licenses() async throws -> Int {
        var sent = 0
        let rows = try await client.query(
            """
            SELECT c.id, c.name, c.language, c.license_expires_at,
                   ceil(extract(epoch FROM c.license_expires_at - now()) / 86400)::int
            FROM clients c
            WHERE c.license_expires_at > now() AND c.license_expires_at <= now() + INTERVAL '30 days' AND c.license_status = 'active'
            """, logger: logger
        ).decode((UUID, String, String, Date, Int).self).collect()
        for (clientID, name, language, expiresAt, daysLeft) in rows {
            guard let threshold = Self.threshold(daysLeft: daysLeft, among: Self.licenseThresholds),
                try await claim(kind: "license", subject: clientID, clientID: clientID, expiresAt: expiresAt, threshold: threshold)
            else { continue }
            let admins = try await client.query(
                "SELECT email, language FROM users WHERE client_id = \(clientID) AND role = 'admin'", logger: logger
            ).decode((String, String).self).collect()
            do {
                for (email, userLanguage) in admins {
                    try await queues.enqueue(
                        EmailJob(
                            type: "license_expiration", email: email, language: userLanguage.isEmpty ? language : userLanguage,
                            data: ["client_name": name, "days_left": String(daysLeft), "expires_at": ISO8601DateFormatter().string(from: expiresAt)]))
                    sent += 1
                }
            } catch {
                try await release(kind: "license", subject: clientID, expiresAt: expiresAt, threshold: threshold)
                throw error
            }
        }
        return sent
    }

    private func passwords() async throws -> Int {
        var sent = 0
        let rows = try await client.query(
            """
            SELECT id, client_id, email, first_name, language, password_expires_at,
                   ceil(extract(epoch FROM password_expires_at - now()) / 86400)::int
            FROM users WHERE password_expires_at > now() AND password_expires_at <= now() + INTERVAL '30 days'
            """, logger: logger
        ).decode((UUID, UUID?, String, String, String, Date, Int).self).collect()
        for (userID, clientID, email, firstName, language, expiresAt, daysLeft) in rows {
            guard let threshold = Self.threshold(daysLeft: daysLeft, among: Self.passwordThresholds),
                try await claim(kind: "password", subject: userID, clientID: clientID, expiresAt: expiresAt, threshold: threshold)
            else { continue }
            do {
                try await queues.enqueue(
                    EmailJob(
                        type: "password_expiration", email: email, language: language,
                        data: ["first_name": firstName, "days_left": String(daysLeft), "change_url": "\(publicURL)/settings/password"]))
                sent += 1
            } catch {
                try await release(kind: "password", subject: userID, expiresAt: expiresAt, threshold: threshold)
                throw error
            }
        }
        return sent
    }

    private func certificates() async throws -> Int {
        typealias Row = (UUID, UUID, Date, Int, String, String, String)
        let rows = try await client.query(
            """
            SELECT cc.id, cc.client_id, cc.expires_at, ceil(extract(epoch FROM cc.expires_at - now()) / 86400)::int, m.hostname, c.name, c.language
            FROM client_certificates cc JOIN machines m ON m.id = cc.machine_id JOIN clients c ON c.id = cc.client_id
            WHERE cc.revoked_at IS NULL AND cc.expires_at <= now() + INTERVAL '30 days' AND cc.expires_at > now() - INTERVAL '7 days'
            ORDER BY cc.client_id, m.hostname
            """, logger: logger
        ).decode(Row.self).collect()
        var due: [UUID: (name: String, language: String, machines: [String])] = [:]
        for (certificateID, clientID, expiresAt, daysLeft, hostname, clientName, language) in rows {
            guard let threshold = Self.threshold(daysLeft: max(daysLeft, 0), among: Self.certificateThresholds),
                try await claim(kind: "certificate", subject: certificateID, clientID: clientID, expiresAt: expiresAt, threshold: threshold)
            else { continue }
            due[clientID, default: (clientName, language, [])].machines.append(hostname)
        }
        var sent = 0
        for (clientID, reminder) in due {
            let admins = try await client.query(
                "SELECT email, language FROM users WHERE client_id = \(clientID) AND role = 'admin'", logger: logger
            ).decode((String, String).self).collect()
            for (email, language) in admins {
                try await queues.enqueue(
                    EmailJob(
                        type: "certificate_expiration", email: email, language: language.isEmpty ? reminder.language : language,
                        data: ["client_name": reminder.name, "machines": reminder.machines.joined(separator: ", "), "count": String(reminder.machines.count)]))
                sent += 1
            }
        }
        return sent
    }

    /// Records the reminder; false when this threshold was already sent for this expiry.
    private func claim(kind: String, subject: UUID, clientID: UUID?, expiresAt: Date, threshold: Int) async throws -> Bool {
        try await client.query(
            """
            INSERT INTO expiry_reminders (client_id, kind, subject_id, expires_at, days_before)
            VALUES (\(clientID), \(kind), \(subject), \(expiresAt), \(threshold)) ON CONFLICT DO NOTHING RETURNING 1
            """, logger: logger
        ).decode(Int.self).reduce(0, +) > 0
    }

    /// Forgets a claimed reminder whose email could not be queued, so the next run sends it.
    private func release(kind: String, subject: UUID, expiresAt: Date, threshold: Int) async throws {
        try await client.query(
            "DELETE FROM expiry_reminders WHERE kind = \(kind) AND subject_id = \(subject) AND expires_at = \(expiresAt) AND days_before = \(threshold)",
            logger: logger)
    }
}
