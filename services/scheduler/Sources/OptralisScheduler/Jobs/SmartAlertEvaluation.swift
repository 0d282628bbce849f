import Foundation
import OptralisCore
import PostgresNIO

/// Smart rules ("Alertes Intelligentes (Essentials+)", `smart_alert_rules`), evaluated every
/// minute after the offline detection and the plain rules (docs/smart-alerts.md):
/// - a rule fires on a machine when every sample of its metric over the last `duration_minutes`
///   is above the threshold: at least two samples, the oldest at most two minutes younger than
///   the window's start (so a sample every minute or two covers it);
/// - the threshold is fixed (`static`) or the machine's baseline p95 + k·σ (`adaptive`) from
///   `metric_baselines`, at least p95 + ``SmartAlertPolicy/minimumMargin``, used only when
///   measured in the last 7 days; no baseline, no alert;
/// - correlation: nothing for a machine offline (the offline alert is the root cause) or in
///   maintenance, nor for a client below Essentials or whose licence is not active;
/// - grouping: nothing when the machine and metric already had an alert of the same severity or
///   higher in the last 15 minutes, from a plain rule or a smart one; several smart rules of a
///   machine and metric firing together send one alert, the most severe;
/// - dynamic cooldown: a rule is silent on a machine for ``SmartAlertPolicy/cooldownMinutes(severity:)``
///   after alerting, claimed on its `smart_alert_firings` row in the same statement.
/// Alerts take the plain rules' types (`high_cpu`, `high_ram`, `disk_critical`, `high_temperature`)
/// and go to the client's channels that take that type (site channels only for their machines).
extension MachineAlertJob {
    func evaluateSmartRules() async throws -> (fired: Int, deliveries: Int) {
        typealias Row = (
            UUID, UUID, String, String, String, String, Double, Double, Int, Double?, Double?, Double?, String, Date?, String?, String?, String, String
        )
        let offlineSeconds = Int(offlineAfter.components.seconds)
        let rows = try await client.query(
            """
            WITH targets AS (
                SELECT r.id AS rule_id, r.client_id, r.name, r.metric, r.mode, r.sigma_factor, r.threshold, r.duration_minutes, r.severity,
                       m.id AS machine_id,
                       \(unescaped: Self.rank("r.severity")) AS rank
                FROM smart_alert_rules r
                JOIN clients c ON c.id = r.client_id AND c.license_status = 'active'
                JOIN license_types lt ON lt.code = c.license_type AND lt.tier_level >= 2
                JOIN machines m ON m.client_id = r.client_id AND (r.machine_id IS NULL OR m.id = r.machine_id)
                                AND (r.group_id IS NULL OR m.group_id = r.group_id)
                WHERE r.enabled AND m.last_seen >= now() - \(offlineSeconds) * INTERVAL '1 second'
                  AND NOT (m.maintenance_mode AND (m.maintenance_until IS NULL OR m.maintenance_until > now()))
            ), limits AS (
                SELECT t.*, b.baseline_p95::float8 AS p95, b.baseline_stddev::float8 AS stddev,
                       CASE t.mode WHEN 'static' THEN t.threshold
                           ELSE GREATEST(b.baseline_p95 + t.sigma_factor * b.baseline_stddev, b.baseline_p95 + \(SmartAlertPolicy.minimumMargin))::float8
                       END AS limit_value
                FROM targets t
                LEFT JOIN metric_baselines b ON t.mode = 'adaptive' AND b.machine_id = t.machine_id
                     AND b.metric_type = CASE t.metric WHEN 'cpu' THEN 'cpu_percent' WHEN 'ram' THEN 'ram_percent' END
                     AND b.last_updated > now() - \(SmartAlertPolicy.baselineMaximumAgeDays) * INTERVAL '1 day'
                     AND b.baseline_p95 IS NOT NULL AND b.baseline_stddev IS NOT NULL
            ), windows AS (
                SELECT l.*, w.low, w.mean, w.samples, w.oldest
                FROM limits l
                CROSS JOIN LATERAL (
                    SELECT min(v) AS low, avg(v) AS mean, count(*)::int AS samples, min(at) AS oldest
                    FROM (
                        SELECT s.recorded_at AS at,
                               CASE l.metric WHEN 'cpu' THEN s.cpu_percent WHEN 'ram' THEN s.ram_percent ELSE s.cpu_temp END AS v
                        FROM metrics s
                        WHERE l.metric <> 'disk' AND s.machine_id = l.machine_id
                          AND s.recorded_at > now() - l.duration_minutes * INTERVAL '1 minute'
                        UNION ALL
                        SELECT d.recorded_at, max(d.used_percent)::float8
                        FROM disk_info d
                        WHERE l.metric = 'disk' AND d.machine_id = l.machine_id
                          AND d.recorded_at > now() - l.duration_minutes * INTERVAL '1 minute'
                        GROUP BY d.recorded_at
                    ) samples
                    WHERE v IS NOT NULL AND v <> 'NaN'::float8
                ) w
                WHERE l.limit_value IS NOT NULL
            ), firing AS (
                SELECT DISTINCT ON (w.machine_id, w.metric) w.*
                FROM windows w
                WHERE w.samples >= 2 AND w.low > w.limit_value
                  AND w.oldest <= now() - (w.duration_minutes - 2) * INTERVAL '1 minute'
                  AND NOT EXISTS (
                      SELECT 1 FROM alert_rule_history h
                      WHERE h.machine_id = w.machine_id AND h.metric = w.metric
                        AND h.triggered_at > now() - \(SmartAlertPolicy.groupingMinutes) * INTERVAL '1 minute'
                        AND \(unescaped: Self.rank("h.severity")) >= w.rank)
                  AND NOT EXISTS (
                      SELECT 1 FROM smart_alert_firings f
                      WHERE f.machine_id = w.machine_id AND f.metric = w.metric
                        AND f.fired_at > now() - \(SmartAlertPolicy.groupingMinutes) * INTERVAL '1 minute'
                        AND \(unescaped: Self.rank("f.severity")) >= w.rank)
                ORDER BY w.machine_id, w.metric, w.rank DESC, w.rule_id
            ), claimed AS (
                INSERT INTO smart_alert_firings AS f (client_id, rule_id, machine_id, metric, severity, value, threshold, fired_at)
                SELECT client_id, rule_id, machine_id, metric, severity, mean, limit_value, now() FROM firing
                ON CONFLICT (rule_id, machine_id) DO UPDATE
                    SET metric = EXCLUDED.metric, severity = EXCLUDED.severity, value = EXCLUDED.value, threshold = EXCLUDED.threshold,
                        fired_at = EXCLUDED.fired_at
                    WHERE f.fired_at <= now() - CASE EXCLUDED.severity
                        WHEN 'critical' THEN \(SmartAlertPolicy.cooldownMinutes(severity: "critical"))
                        WHEN 'warning' THEN \(SmartAlertPolicy.cooldownMinutes(severity: "warning"))
                        ELSE \(SmartAlertPolicy.cooldownMinutes(severity: "info")) END * INTERVAL '1 minute'
                RETURNING f.rule_id, f.machine_id
            )
            SELECT fi.client_id, fi.machine_id, fi.name, fi.metric, fi.mode, fi.severity, fi.mean, fi.limit_value, fi.duration_minutes,
                   fi.p95, fi.stddev, fi.sigma_factor, m.hostname, m.last_seen, m.os, m.ip_address, c.name, c.language
            FROM claimed cl JOIN firing fi ON fi.rule_id = cl.rule_id AND fi.machine_id = cl.machine_id
            JOIN machines m ON m.id = fi.machine_id JOIN clients c ON c.id = fi.client_id
            """, logger: logger
        ).decode(Row.self).collect()
        var deliveries = 0
        for row in rows {
            let firing = SmartAlertFiring(
                ruleName: row.2, metric: row.3, mode: row.4, value: row.6, threshold: row.7, minutes: row.8, p95: row.9, deviation: row.10, sigmaFactor: row.11)
            let type = firing.alertType
            let alert = AlertNotification(
                alertType: type, clientName: row.16, language: row.17, machineName: row.12, lastSeen: row.13, os: row.14, ip: row.15,
                value: firing.rounded(row.6), threshold: firing.rounded(row.7), severity: row.5, message: firing.message(french: row.17 != "en"),
                dashboardURL: "\(publicURL)/machines/\(row.1.uuidString.lowercased())")
            for channel in try await channels(clientID: row.0, machineID: row.1, alertType: type) {
                try await queues.enqueue(ChannelDelivery(channelID: channel, clientID: row.0, notification: alert, machineID: row.1))
                deliveries += 1
            }
        }
        if !rows.isEmpty { logger.info("smart alerts fired", metadata: ["count": "\(rows.count)", "deliveries": "\(deliveries)"]) }
        return (rows.count, deliveries)
    }

    /// A severity column as a number that orders them (the plain rules' `low` counts as `info`).
    static func rank(_ column: String) -> String {
        "CASE \(column) WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END"
    }
}
