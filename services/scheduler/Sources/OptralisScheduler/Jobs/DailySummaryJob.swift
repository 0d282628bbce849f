import Foundation
import Logging
import OptralisCore
import OptralisRedis
import OptralisReports
import PostgresNIO

/// The daily summary email (spec "Synthèse Quotidienne (Tous plans)"), run every 5 minutes: each
/// active client with the summary on gets it once per local day, from its hour on in its time
/// zone (``DailySummarySchedule``), to its recipients or else its admins. The day is claimed in
/// one `UPDATE … WHERE daily_summary_sent_on < <today>` before anything is queued, so a second
/// run, a restart or another replica finds it taken; a day whose emails could not be queued is
/// given back (logged, counted as `daily_summary_failures`), and the next run tries again.
struct DailySummaryJob: Sendable {
    let client: PostgresClient
    let queues: NotificationQueues
    let publicURL: String
    let logger: Logger

    typealias Candidate = (id: UUID, name: String, language: String, hour: Int, timezone: String, recipients: [String], sentOn: String?)

    func run(now: Date = Date()) async throws -> [String: Int] {
        let store = DailySummaryStore(client: client, logger: logger)
        var clients = 0
        var emails = 0
        var failures = 0
        for candidate in try await candidates(now: now) {
            guard let zone = TimeZone(identifier: candidate.timezone) else {
                logger.warning("daily summary time zone unknown", metadata: ["optralis.client_id": "\(candidate.id)", "timezone": "\(candidate.timezone)"])
                continue
            }
            guard let today = DailySummarySchedule.due(now: now, hour: candidate.hour, timeZone: zone, lastSentOn: candidate.sentOn),
                try await claim(candidate.id, day: today)
            else { continue }
            do {
                let queued = try await send(candidate, day: today, now: now, store: store)
                emails += queued
                if queued > 0 { clients += 1 }
            } catch {
                // Given back for the next run; the other clients still get theirs.
                failures += 1
                logger.error("daily summary not queued", metadata: ["optralis.client_id": "\(candidate.id)", "error": "\(String(reflecting: error))"])
                try await release(candidate.id, day: today, previous: candidate.sentOn)
            }
        }
        return ["daily_summaries": clients, "daily_summary_emails": emails, "daily_summary_failures": failures].filter { $0.value > 0 }
    }

    /// Builds the client's summary and queues it for each recipient; how many were queued. A
    /// recipient queued before a failure may get the summary again on the next run.
    private func send(_ candidate: Candidate, day: String, now: Date, store: DailySummaryStore) async throws -> Int {
        guard let summary = try await store.summary(clientID: candidate.id, now: now) else { return 0 }
        let json = String(decoding: try Self.encoder.encode(summary), as: UTF8.self)
        var queued = 0
        for (email, language) in try await recipients(candidate) {
            try await queues.enqueue(
                EmailJob(
                    type: "daily_summary", email: email, language: language,
                    data: ["client_name": candidate.name, "date": day, "summary": json, "dashboard_url": publicURL]))
            queued += 1
        }
        return queued
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Active clients with the summary on; whether it is due is decided per time zone, here.
    private func candidates(now: Date) async throws -> [Candidate] {
        var rows: [Candidate] = []
        for try await row in try await client.query(
            """
            SELECT id, name, language, daily_summary_hour::int, daily_summary_timezone, daily_summary_recipients, daily_summary_sent_on::text
            FROM clients
            WHERE daily_summary_enabled AND license_status = 'active' AND (license_expires_at IS NULL OR license_expires_at > \(now))
            """, logger: logger
        ).decode((UUID, String, String, Int, String, [String], String?).self) {
            rows.append((row.0, row.1, row.2, row.3, row.4, row.5, row.6))
        }
        return rows
    }

    /// Takes the local day for this client; false when a run already took it.
    private func claim(_ clientID: UUID, day: String) async throws -> Bool {
        try await client.query(
            """
            UPDATE clients SET daily_summary_sent_on = \(day)::date
            WHERE id = \(clientID) AND daily_summary_enabled AND (daily_summary_sent_on IS NULL OR daily_summary_sent_on < \(day)::date)
            RETURNING 1
            """, logger: logger
        ).decode(Int.self).reduce(0, +) > 0
    }

    /// Gives the day back when its emails could not be queued.
    private func release(_ clientID: UUID, day: String, previous: String?) async throws {
        try await client.query(
            "UPDATE clients SET daily_summary_sent_on = \(previous)::date WHERE id = \(clientID) AND daily_summary_sent_on = \(day)::date", logger: logger)
    }

    /// The configured addresses in the client's language, else each admin in their own.
    private func recipients(_ candidate: Candidate) async throws -> [(String, String)] {
        if !candidate.recipients.isEmpty { return candidate.recipients.map { ($0, candidate.language) } }
        return try await client.query(
            "SELECT email, language FROM users WHERE client_id = \(candidate.id) AND role = 'admin' ORDER BY email", logger: logger
        ).decode((String, String).self).reduce(into: [(String, String)]()) { $0.append(($1.0, $1.1.isEmpty ? candidate.language : $1.1)) }
    }
}
