import Foundation
import Logging
import PostgresNIO

/// The daily summary columns of `clients` (0001's `daily_summary_enabled`, migration 0012).
struct DailySummarySettingsStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    func read(clientID: UUID) async throws -> DailySummarySettings {
        for try await row in try await database.query(
            """
            SELECT daily_summary_enabled, daily_summary_hour::int, daily_summary_timezone, daily_summary_recipients, daily_summary_sent_on::text
            FROM clients WHERE id = \(clientID)
            """, logger: logger
        ).decode((Bool, Int, String, [String], String?).self) {
            return DailySummarySettings(enabled: row.0, hour: row.1, timezone: row.2, recipients: row.3, lastSentOn: row.4)
        }
        throw APIError.notFound("client")
    }

    func write(_ settings: DailySummarySettings, clientID: UUID) async throws {
        try await database.query(
            """
            UPDATE clients SET daily_summary_enabled = \(settings.enabled), daily_summary_hour = \(settings.hour),
                   daily_summary_timezone = \(settings.timezone), daily_summary_recipients = \(settings.recipients), updated_at = now()
            WHERE id = \(clientID)
            """, logger: logger)
    }
}
