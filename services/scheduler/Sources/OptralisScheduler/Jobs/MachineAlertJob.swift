import Foundation
import Logging
import OptralisCore
import OptralisRedis
import PostgresNIO

/// Every minute: offline detection, alert-rule evaluation, smart rules (``evaluateSmartRules()``)
/// and failing disks (``detectSMART()``).
///
/// Offline ("Anti-Spam Machine Offline"): a machine not seen for `offlineAfter` gets one
/// `machine_offline` notification and `offline_notified_at` is set in the same statement, so it
/// is never notified again while it stays offline (the heartbeat clears it and says "back
/// online"). Machines in maintenance are skipped.
///
/// Rules ("Alert Rules", "Cooldown"): every enabled rule is compared, in one set-based query, with
/// the latest data (last 15 minutes) of each machine in its scope; a rule fires for a machine at
/// most once per its cooldown, and a machine/metric pair at most once per 15 minutes (noise
/// suppression), counting the smart rules' alerts of the same severity or higher
/// (``evaluateSmartRules()``, evaluated next). Each firing is a row of `alert_rule_history` and a
/// delivery per rule channel. Correlation: a machine gone offline gets no metric alert (nor a
/// S.M.A.R.T. one) while it stays offline: its offline alert is the root cause.
struct MachineAlertJob: Sendable {
    let client: PostgresClient
    let queues: NotificationQueues
    let publicURL: String
    let offlineAfter: Duration
    let logger: Logger

    func run() async throws -> [String: Int] {
        let offline = try await detectOffline()
        let (fired, deliveries) = try await evaluateRules()
        let smart = try await evaluateSmartRules()
        let disks = try await detectSMART()
        return [
            "machines_offline": offline, "rules_fired": fired, "deliveries_queued": deliveries, "smart_rules_fired": smart.fired,
            "smart_deliveries_queued": smart.deliveries, "failing_disks": disks,
        ].filter { $0.value > 0 }
    }

    private func detectOffline() async throws -> Int {
        typealias Row = (UUID, UUID, String, Date?, String?, String?, String?, String?, String, String, String)
        let rows = try await client.query(
            """
            UPDATE machines m SET offline_notified_at = now()
            FROM clients c
            WHERE c.id = m.client_id AND m.last_seen < now() - \(Int(offlineAfter.components.seconds)) * INTERVAL '1 second'
              AND m.offline_notified_at IS NULL
              AND NOT (m.maintenance_mode AND (m.maintenance_until IS NULL OR m.maintenance_until > now()))
            RETURNING m.id, m.client_id, m.hostname, m.last_seen, m.os, m.os_version, m.ip_address, m.agent_version,
                      m.update_channel, c.name, c.language
            """, logger: logger
        ).decode(Row.self).collect()
        for row in rows {
            let alert = AlertNotification(
                alertType: .machineOffline, clientName: row.9, language: row.10, machineName: row.2, lastSeen: row.3,
                os: [row.4, row.5].compactMap { $0 }.joined(separator: " ").nilIfEmpty, ip: row.6, agentVersion: row.7, agentChannel: row.8,
                severity: "critical", dashboardURL: "\(publicURL)/machines/\(row.0.uuidString.lowercased())")
            for channel in try await channels(clientID: row.1, machineID: row.0, alertType: .machineOffline) {
                try await queues.enqueue(ChannelDelivery(channelID: channel, clientID: row.1, notification: alert, machineID: row.0))
            }
        }
        if !rows.isEmpty { logger.info("machines offline", metadata: ["count": "\(rows.count)"]) }
        return rows.count
    }

    /// Enabled channels of a client that take this alert type (an empty list takes every type)
    /// about this machine: a channel limited to a site ("alerts per site", migration 0011) hears
    /// only of that site's machines.
    func channels(clientID: UUID, machineID: UUID, alertType: AlertType) async throws -> [UUID] {
        try await client.query(
            """
            SELECT id FROM notification_channels
            WHERE client_id = \(clientID) AND enabled AND (cardinality(alert_types) = 0 OR \(alertType.rawValue) = ANY(alert_types))
              AND (site_id IS NULL OR site_id = (SELECT m.site_id FROM machines m WHERE m.id = \(machineID) AND m.client_id = \(clientID)))
            """, logger: logger
        ).decode(UUID.self).collect()
    }

    private func evaluateRules() async throws -> (fired: Int, deliveries: Int) {
        typealias Row = (UUID, UUID, UUID, String, String, String, Double, String, Double, String, Date?, String?, String?, String, String, [UUID])
        // Candidates, cooldown and suppression in SQL; the history rows are written by the same statement.
        let rows = try await client.query(
            """
            WITH latest AS (
                SELECT DISTINCT ON (machine_id) machine_id, cpu_percent, ram_percent, cpu_temp
                FROM metrics WHERE recorded_at > now() - INTERVAL '15 minutes' ORDER BY machine_id, recorded_at DESC
            ), disks AS (
                SELECT machine_id, max(used_percent)::float8 AS used FROM disk_info WHERE recorded_at > now() - INTERVAL '15 minutes' GROUP BY machine_id
            ), databases AS (
                -- The latest sample of each database a machine collects: the busiest, the coldest
                -- cache and the longest lag of them stand for the machine.
                SELECT machine_id, max(connections_active + connections_idle)::float8 AS connections, min(cache_hit_ratio) AS cache_hit,
                       max(replication_lag_ms) AS lag
                FROM (SELECT DISTINCT ON (database_id) * FROM database_metrics WHERE recorded_at > now() - INTERVAL '15 minutes'
                      ORDER BY database_id, recorded_at DESC) s
                GROUP BY machine_id
            ), candidates AS (
                SELECT r.id AS rule_id, r.client_id, m.id AS machine_id, r.name, r.metric, r.operator, r.threshold, r.severity,
                       CASE r.metric
                           WHEN 'cpu' THEN l.cpu_percent WHEN 'ram' THEN l.ram_percent WHEN 'temperature' THEN l.cpu_temp
                           WHEN 'disk' THEN d.used WHEN 'offline_minutes' THEN extract(epoch FROM now() - m.last_seen) / 60
                           WHEN 'db_connections' THEN db.connections WHEN 'db_cache_hit_ratio' THEN db.cache_hit
                           WHEN 'db_replication_lag_ms' THEN db.lag
                       END AS value,
                       r.cooldown_minutes
                FROM alert_rules r
                JOIN machines m ON m.client_id = r.client_id AND (r.machine_id IS NULL OR m.id = r.machine_id)
                                AND (r.group_id IS NULL OR m.group_id = r.group_id)
                LEFT JOIN latest l ON l.machine_id = m.id
                LEFT JOIN disks d ON d.machine_id = m.id
                LEFT JOIN databases db ON db.machine_id = m.id
                WHERE r.enabled AND NOT (m.maintenance_mode AND (m.maintenance_until IS NULL OR m.maintenance_until > now()))
                  AND (r.metric = 'offline_minutes' OR m.last_seen >= now() - \(Int(offlineAfter.components.seconds)) * INTERVAL '1 second')
            ), firing AS (
                SELECT c.* FROM candidates c
                WHERE c.value IS NOT NULL
                  AND CASE c.operator WHEN '>' THEN c.value > c.threshold WHEN '<' THEN c.value < c.threshold
                                      WHEN '>=' THEN c.value >= c.threshold WHEN '<=' THEN c.value <= c.threshold
                                      ELSE c.value = c.threshold END
                  AND NOT EXISTS (SELECT 1 FROM alert_rule_history h WHERE h.rule_id = c.rule_id AND h.machine_id = c.machine_id
                                  AND h.triggered_at > now() - c.cooldown_minutes * INTERVAL '1 minute')
                  AND NOT EXISTS (SELECT 1 FROM alert_rule_history h WHERE h.machine_id = c.machine_id AND h.metric = c.metric
                                  AND h.triggered_at > now() - INTERVAL '15 minutes')
                  AND NOT EXISTS (SELECT 1 FROM smart_alert_firings f WHERE f.machine_id = c.machine_id AND f.metric = c.metric
                                  AND f.fired_at > now() - INTERVAL '15 minutes'
                                  AND \(unescaped: Self.rank("f.severity")) >= \(unescaped: Self.rank("c.severity")))
            ), inserted AS (
                INSERT INTO alert_rule_history (client_id, rule_id, machine_id, rule_name, metric, operator, threshold, severity, triggered_value, channels_notified)
                SELECT DISTINCT ON (f.machine_id, f.metric) f.client_id, f.rule_id, f.machine_id, f.name, f.metric, f.operator, f.threshold, f.severity, f.value,
                       (SELECT count(*) FROM alert_rule_channels arc JOIN notification_channels nc ON nc.id = arc.channel_id AND nc.enabled
                        WHERE arc.rule_id = f.rule_id
                          AND (nc.site_id IS NULL OR nc.site_id = (SELECT s.site_id FROM machines s WHERE s.id = f.machine_id)))
                FROM firing f ORDER BY f.machine_id, f.metric, CASE f.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END
                RETURNING client_id, rule_id, machine_id, rule_name, metric, operator, threshold, severity, triggered_value
            )
            SELECT i.client_id, i.rule_id, i.machine_id, i.rule_name, i.metric, i.operator, i.threshold, i.severity, i.triggered_value,
                   m.hostname, m.last_seen, m.os, m.ip_address, c.name, c.language,
                   COALESCE((SELECT array_agg(arc.channel_id) FROM alert_rule_channels arc JOIN notification_channels nc ON nc.id = arc.channel_id AND nc.enabled
                             WHERE arc.rule_id = i.rule_id AND (nc.site_id IS NULL OR nc.site_id = m.site_id)), '{}')
            FROM inserted i JOIN machines m ON m.id = i.machine_id JOIN clients c ON c.id = i.client_id
            """, logger: logger
        ).decode(Row.self).collect()
        var deliveries = 0
        for row in rows {
            let type: AlertType =
                switch row.4 {
                case "ram": .highRAM
                case "disk": .diskCritical
                case "offline_minutes": .machineOffline
                case "temperature": .highTemperature
                case "db_connections", "db_cache_hit_ratio", "db_replication_lag_ms": .databaseAlert
                default: .highCPU
                }
            let alert = AlertNotification(
                alertType: type, clientName: row.13, language: row.14, machineName: row.9, lastSeen: row.10, os: row.11, ip: row.12,
                value: (row.8 * 10).rounded() / 10, threshold: row.6, severity: row.7 == "low" ? "info" : row.7,
                message: "\(row.3) (\(row.4) \(row.5) \(row.6))", dashboardURL: "\(publicURL)/machines/\(row.2.uuidString.lowercased())",
                unit: Self.units[row.4])
            for channel in row.15 {
                try await queues.enqueue(ChannelDelivery(channelID: channel, clientID: row.0, notification: alert, machineID: row.2, ruleID: row.1))
                deliveries += 1
            }
        }
        return (rows.count, deliveries)
    }
}

extension MachineAlertJob {
    /// The database metrics' units (the others are percentages or degrees).
    static let units = ["db_connections": "", "db_replication_lag_ms": " ms"]
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
