import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// Reads what a report shows for one client and period, every query scoped by the client: its
/// machines (health now and its change over the period, CPU and RAM p95 of the hourly roll-ups,
/// fullest volume, online), the fleet's average health score per day, the alerts, and the issues
/// those figures reveal.
struct ReportSource: Sendable {
    let client: PostgresClient
    let logger: Logger

    struct Facts: Sendable {
        var clientName: String
        var machines: [ReportDocument.Machine]
        var healthByDay: [ReportDocument.DayScore]
        var alerts: [(severity: String, hostname: String, rule: String)]
    }

    func facts(clientID: UUID, machineID: UUID?, from start: Date, to end: Date) async throws -> Facts? {
        var name: String?
        for try await row in try await client.query("SELECT name FROM clients WHERE id = \(clientID)", logger: logger).decode(String.self) { name = row }
        guard let clientName = name else { return nil }
        var machines: [ReportDocument.Machine] = []
        for try await row in try await client.query(
            """
            SELECT m.hostname, m.health_score,
                   m.health_score - (SELECT r.overall_score FROM ai_analysis_results r
                                     WHERE r.machine_id = m.id AND r.client_id = m.client_id AND r.analysis_type = 'health_score'
                                       AND r.created_at >= \(start) ORDER BY r.created_at LIMIT 1),
                   (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY h.cpu_avg) FROM metrics_hourly h
                    WHERE h.machine_id = m.id AND h.bucket >= \(start) AND h.bucket < \(end)),
                   (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY h.ram_avg) FROM metrics_hourly h
                    WHERE h.machine_id = m.id AND h.bucket >= \(start) AND h.bucket < \(end)),
                   (SELECT max(d.used_percent)::float8 FROM disk_info d
                    WHERE d.machine_id = m.id AND d.recorded_at = (SELECT max(recorded_at) FROM disk_info WHERE machine_id = m.id)),
                   (SELECT count(*) FROM alert_rule_history a WHERE a.machine_id = m.id AND a.client_id = m.client_id
                      AND a.triggered_at >= \(start) AND a.triggered_at < \(end))::int,
                   COALESCE(m.last_seen > now() - \(MachineStatus.onlineMinutes) * interval '1 minute', false)
            FROM machines m WHERE m.client_id = \(clientID) AND (\(machineID)::uuid IS NULL OR m.id = \(machineID))
            ORDER BY m.hostname
            """, logger: logger
        ).decode((String, Int?, Int?, Double?, Double?, Double?, Int, Bool).self) {
            machines.append(
                .init(
                    hostname: row.0, healthScore: row.1, healthChange: row.2, cpuP95: row.3, ramP95: row.4, diskPercent: row.5, issues: row.6, online: row.7))
        }
        var days: [ReportDocument.DayScore] = []
        for try await (day, score) in try await client.query(
            """
            SELECT date_trunc('day', r.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', avg(r.overall_score)::float8
            FROM ai_analysis_results r
            WHERE r.client_id = \(clientID) AND r.analysis_type = 'health_score' AND r.overall_score IS NOT NULL
              AND (\(machineID)::uuid IS NULL OR r.machine_id = \(machineID)) AND r.created_at >= \(start) AND r.created_at < \(end)
            GROUP BY 1 ORDER BY 1
            """, logger: logger
        ).decode((Date, Double).self) {
            days.append(.init(day: day, score: score))
        }
        var alerts: [(String, String, String)] = []
        for try await row in try await client.query(
            """
            SELECT a.severity, m.hostname, a.rule_name FROM alert_rule_history a JOIN machines m ON m.id = a.machine_id AND m.client_id = a.client_id
            WHERE a.client_id = \(clientID) AND (\(machineID)::uuid IS NULL OR a.machine_id = \(machineID))
              AND a.triggered_at >= \(start) AND a.triggered_at < \(end)
            ORDER BY a.triggered_at DESC LIMIT 500
            """, logger: logger
        ).decode((String, String, String).self) {
            alerts.append(row)
        }
        return Facts(clientName: clientName, machines: machines, healthByDay: days, alerts: alerts.map { (severity: $0.0, hostname: $0.1, rule: $0.2) })
    }
}
