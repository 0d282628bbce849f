import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// Hourly retention ("Système de Cleanup"): each client's time series by its licence's retention,
/// then the tables with a fixed retention. Deletes go in bounded batches (`batchSize` rows a
/// statement) so ingestion never waits long on locks.
struct RetentionJob: Sendable {
    let client: PostgresClient
    let logger: Logger
    var batchSize = 10_000

    /// Per-licence tables: name, time column, which retention applies.
    static let licensed: [(table: String, column: String, events: Bool)] = [
        ("metrics", "recorded_at", false), ("disk_info", "recorded_at", false), ("smart_data", "recorded_at", false),
        ("event_logs", "recorded_at", true), ("metrics_hourly", "bucket", false), ("disk_hourly", "bucket", false),
        ("network_hourly", "bucket", false), ("database_metrics", "recorded_at", false), ("apm_probes", "recorded_at", false),
    ]

    /// Fixed-retention tables ("Tables avec rétention fixe"): name, time column, days.
    static let fixed: [(table: String, column: String, days: Int)] = [
        ("notification_history", "sent_at", 30), ("alert_rule_history", "triggered_at", 90), ("activity_logs", "timestamp", 30),
        ("service_uptime", "checked_at", 30), ("ai_trigger_history", "executed_at", 90), ("ai_routine_history", "executed_at", 90),
        ("apm_spans", "received_at", 7), ("apm_metric_points", "received_at", 7),
    ]

    func run() async throws -> [String: Int] {
        var totals: [String: Int] = [:]
        let clients = try await client.query(
            """
            SELECT c.id, lt.metrics_retention_days, lt.events_retention_days
            FROM clients c JOIN license_types lt ON lt.code = c.license_type
            """, logger: logger
        ).decode((UUID, Int, Int).self).collect()
        for (clientID, metricsDays, eventsDays) in clients {
            for (table, column, events) in Self.licensed {
                let deleted = try await deleteInBatches(
                    """
                    WITH doomed AS (
                        SELECT t.ctid FROM \(unescaped: table) t JOIN machines m ON m.id = t.machine_id
                        WHERE m.client_id = \(clientID) AND t.\(unescaped: column) < now() - \(events ? eventsDays : metricsDays) * INTERVAL '1 day'
                        LIMIT \(batchSize)
                    ), deleted AS (DELETE FROM \(unescaped: table) WHERE ctid IN (SELECT ctid FROM doomed) RETURNING 1)
                    SELECT count(*)::int FROM deleted
                    """)
                if deleted > 0 {
                    logger.info("retention", metadata: ["table": "\(table)", "client_id": "\(clientID)", "deleted": "\(deleted)"])
                    totals[table, default: 0] += deleted
                }
            }
        }
        for (table, column, days) in Self.fixed {
            let deleted = try await deleteInBatches(
                """
                WITH doomed AS (SELECT ctid FROM \(unescaped: table) WHERE \(unescaped: column) < now() - \(days) * INTERVAL '1 day' LIMIT \(batchSize)),
                     deleted AS (DELETE FROM \(unescaped: table) WHERE ctid IN (SELECT ctid FROM doomed) RETURNING 1)
                SELECT count(*)::int FROM deleted
                """)
            if deleted > 0 {
                logger.info("retention", metadata: ["table": "\(table)", "scope": "global", "deleted": "\(deleted)"])
                totals[table, default: 0] += deleted
            }
        }
        let results = try await deleteInBatches(
            """
            WITH doomed AS (SELECT ctid FROM ai_analysis_results WHERE COALESCE(expires_at, created_at + INTERVAL '90 days') < now() LIMIT \(batchSize)),
                 deleted AS (DELETE FROM ai_analysis_results WHERE ctid IN (SELECT ctid FROM doomed) RETURNING 1)
            SELECT count(*)::int FROM deleted
            """)
        if results > 0 { totals["ai_analysis_results"] = results }
        return totals
    }

    /// Repeats a batch delete until a batch comes back short; returns the rows deleted.
    private func deleteInBatches(_ query: PostgresQuery) async throws -> Int {
        var total = 0
        while true {
            let deleted = try await client.query(query, logger: logger).decode(Int.self).reduce(0, +)
            total += deleted
            if deleted < batchSize { return total }
        }
    }
}
