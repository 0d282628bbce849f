import Foundation
import Logging
import PostgresNIO

/// What the checks before an analysis read: the machine's last analysis of a kind (for the
/// cooldown and the change detection), its current fingerprint and the events since.
/// Every query takes the client id and sees only that client's machines.
struct AnalysisHistoryStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// The latest `ai_analysis_results` row of a machine and kind (reports keep theirs in `ai_reports`).
    struct LastAnalysis: Sendable, Equatable {
        var createdAt: Date
        var overallScore: Int?
        var fingerprint: DataFingerprint?
        /// The titles of its `top_issues`, for the 304 `previous_issues`.
        var issues: [String]
    }

    func latest(clientID: UUID, machineID: UUID, kind: AnalysisKind) async throws -> LastAnalysis? {
        let rows = try await client.query(
            """
            SELECT r.created_at, r.overall_score, r.data_fingerprint::text,
                   ARRAY(SELECT t->>'title' FROM jsonb_array_elements(
                             CASE WHEN jsonb_typeof(r.result->'top_issues') = 'array' THEN r.result->'top_issues' ELSE '[]'::jsonb END) t
                         WHERE t->>'title' IS NOT NULL)
            FROM ai_analysis_results r
            WHERE r.client_id = \(clientID) AND r.machine_id = \(machineID) AND r.analysis_type = \(kind.rawValue)
            ORDER BY r.created_at DESC
            LIMIT 1
            """, logger: logger)
        for try await (createdAt, score, fingerprint, issues) in rows.decode((Date, Int?, String?, [String]).self) {
            return LastAnalysis(createdAt: createdAt, overallScore: score, fingerprint: fingerprint.flatMap(DataFingerprint.init(json:)), issues: issues)
        }
        return nil
    }

    /// The machine as it is at `now`; nil when it is not one of the client's. The newest sample's
    /// time is cut to the second, as the stored fingerprint's ISO 8601 keeps it: else the same
    /// sample would look newer than itself by its microseconds.
    func fingerprint(clientID: UUID, machineID: UUID, now: Date) async throws -> DataFingerprint? {
        let hourAgo = now.addingTimeInterval(-DriftAssessment.currentWindow)
        let rows = try await client.query(
            """
            SELECT (SELECT date_trunc('second', max(recorded_at)) FROM metrics WHERE machine_id = m.id AND recorded_at <= \(now)),
                   (SELECT avg(cpu_percent) FROM metrics WHERE machine_id = m.id AND recorded_at > \(hourAgo) AND recorded_at <= \(now)),
                   (SELECT avg(ram_percent) FROM metrics WHERE machine_id = m.id AND recorded_at > \(hourAgo) AND recorded_at <= \(now)),
                   (SELECT max(used_percent)::float8 FROM disk_info
                    WHERE machine_id = m.id
                      AND recorded_at = (SELECT max(recorded_at) FROM disk_info WHERE machine_id = m.id AND recorded_at <= \(now))),
                   ARRAY(SELECT id FROM alert_rule_history WHERE client_id = m.client_id AND machine_id = m.id AND resolved_at IS NULL ORDER BY id)
            FROM machines m
            WHERE m.id = \(machineID) AND m.client_id = \(clientID)
            """, logger: logger)
        for try await (latest, cpu, ram, disk, alerts) in rows.decode((Date?, Double?, Double?, Double?, [UUID]).self) {
            return DataFingerprint(latestSampleAt: latest, cpuPercent: cpu, ramPercent: ram, diskPercent: disk, openAlertIDs: alerts)
        }
        return nil
    }

    /// Error and critical events (and critical ones alone) received since `since`: by arrival
    /// rather than event time, so events an agent spooled while offline still count as new.
    func newEvents(clientID: UUID, machineID: UUID, since: Date) async throws -> (errors: Int, critical: Int) {
        let rows = try await client.query(
            """
            SELECT count(*) FILTER (WHERE e.level IN ('error', 'critical'))::int, count(*) FILTER (WHERE e.level = 'critical')::int
            FROM event_logs e
            JOIN machines m ON m.id = e.machine_id AND m.client_id = \(clientID)
            WHERE e.machine_id = \(machineID) AND e.received_at > \(since)
            """, logger: logger)
        for try await counts in rows.decode((Int, Int).self) { return counts }
        return (0, 0)
    }
}
