import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// Reads a client's ``DailySummary`` (four queries, each scoped by the client): shared by the
/// api (`GET /api/reports/summary/daily`) and the scheduler (the daily email), so the two say
/// the same thing.
public struct DailySummaryStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The summary as of `now`; nil when the client does not exist.
    public func summary(clientID: UUID, now: Date = Date()) async throws -> DailySummary? {
        let start = now.addingTimeInterval(-86_400)
        // The trend's windows end at the start of the current UTC hour (the roll-ups' buckets).
        let hour = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
        async let name = clientName(clientID)
        async let fleet = fleet(clientID, now: now)
        async let alerting = machinesInAlert(clientID, from: start, to: now)
        async let incidents = incidents(clientID, from: start, to: now)
        async let trend = trend(clientID, end: hour)
        guard let clientName = try await name else { return nil }
        let (machines, health) = try await fleet
        let (listed, count) = try await alerting
        return DailySummary(
            clientID: clientID, clientName: clientName, generatedAt: now, periodStart: start, periodEnd: now, machines: machines, health: health,
            machinesInAlertCount: count, machinesInAlert: listed, topIncidents: try await incidents, trend: try await trend)
    }

    private func clientName(_ clientID: UUID) async throws -> String? {
        for try await name in try await client.query("SELECT name FROM clients WHERE id = \(clientID)", logger: logger).decode(String.self) {
            return name
        }
        return nil
    }

    /// Offline: not seen for ``MachineStatus/onlineMinutes`` (or never), as everywhere else.
    private static let onlineSeconds = MachineStatus.onlineMinutes * 60

    private func fleet(_ clientID: UUID, now: Date) async throws -> (DailySummary.Machines, DailySummary.Health) {
        let online = now.addingTimeInterval(-Double(Self.onlineSeconds))
        for try await row in try await client.query(
            """
            SELECT count(*)::int, count(*) FILTER (WHERE last_seen > \(online))::int,
                   count(*) FILTER (WHERE maintenance_mode AND (maintenance_until IS NULL OR maintenance_until > \(now)))::int,
                   round(avg(health_score), 1)::float8, count(health_score)::int, min(health_score)::int
            FROM machines WHERE client_id = \(clientID)
            """, logger: logger
        ).decode((Int, Int, Int, Double?, Int, Int?).self) {
            return (
                .init(total: row.0, online: row.1, offline: row.0 - row.1, maintenance: row.2),
                .init(averageScore: row.3, scoredMachines: row.4, lowestScore: row.5)
            )
        }
        return (.init(total: 0, online: 0, offline: 0, maintenance: 0), .init(averageScore: nil, scoredMachines: 0, lowestScore: nil))
    }

    /// The machines in alert, most serious first (critical, then the most alerts, then by name),
    /// at most ``DailySummary/listedMachines``, and how many there are in all.
    private func machinesInAlert(_ clientID: UUID, from start: Date, to end: Date) async throws -> ([DailySummary.MachineInAlert], Int) {
        typealias Row = (UUID, String, Int?, Date?, Bool, Int, Bool, Bool, Bool, Bool, Int)
        let online = end.addingTimeInterval(-Double(Self.onlineSeconds))
        let low = DailySummary.lowHealthScore
        var total = 0
        var machines: [DailySummary.MachineInAlert] = []
        for try await row in try await client.query(
            """
            WITH fired AS (
                SELECT machine_id, count(*)::int AS n, bool_or(severity = 'critical') AS critical
                FROM alert_rule_history WHERE client_id = \(clientID) AND triggered_at > \(start) AND triggered_at <= \(end)
                GROUP BY machine_id
            ), disks AS (
                SELECT machine_id, bool_or(status <> 'warning') AS critical FROM smart_alerts WHERE client_id = \(clientID) GROUP BY machine_id
            ), flagged AS (
                SELECT m.id, m.hostname, m.health_score, m.last_seen,
                       (m.last_seen IS NULL OR m.last_seen <= \(online))
                           AND NOT (m.maintenance_mode AND (m.maintenance_until IS NULL OR m.maintenance_until > \(end))) AS offline,
                       coalesce(f.n, 0) AS alerts, coalesce(f.critical, false) AS critical_alert,
                       d.machine_id IS NOT NULL AS disk, coalesce(d.critical, false) AS critical_disk,
                       coalesce(m.health_score < \(low), false) AS low_score
                FROM machines m LEFT JOIN fired f ON f.machine_id = m.id LEFT JOIN disks d ON d.machine_id = m.id
                WHERE m.client_id = \(clientID)
            )
            SELECT id, hostname, health_score, last_seen, offline, alerts, critical_alert, disk, critical_disk, low_score, count(*) OVER ()::int
            FROM flagged WHERE offline OR alerts > 0 OR disk OR low_score
            ORDER BY (offline OR critical_alert OR critical_disk OR low_score) DESC, alerts DESC, lower(hostname), id
            LIMIT \(DailySummary.listedMachines)
            """, logger: logger
        ).decode(Row.self) {
            total = row.10
            var reasons: [DailySummary.Reason] = []
            if row.4 { reasons.append(.offline) }
            if row.5 > 0 { reasons.append(.alertRule) }
            if row.7 { reasons.append(.diskFailing) }
            if row.9 { reasons.append(.lowHealthScore) }
            let critical = row.4 || row.6 || row.8 || row.9
            machines.append(
                .init(
                    machineID: row.0, hostname: row.1, severity: critical ? "critical" : "warning", reasons: reasons, alerts24h: row.5,
                    healthScore: row.2, lastSeen: row.3))
        }
        return (machines, total)
    }

    /// The most frequent alerts of the period: each alert rule (by name, metric and severity),
    /// the machines that went offline, and the disks found failing, by count.
    private func incidents(_ clientID: UUID, from start: Date, to end: Date) async throws -> [DailySummary.Incident] {
        var incidents: [DailySummary.Incident] = []
        for try await row in try await client.query(
            """
            SELECT kind, name, metric, severity, n, machines, last_at FROM (
                SELECT 'alert_rule' AS kind, rule_name AS name, metric, severity, count(*)::int AS n,
                       count(DISTINCT machine_id)::int AS machines, max(triggered_at) AS last_at
                FROM alert_rule_history WHERE client_id = \(clientID) AND triggered_at > \(start) AND triggered_at <= \(end)
                GROUP BY rule_name, metric, severity
                UNION ALL
                SELECT 'machine_offline', NULL, NULL, 'critical', count(*)::int, count(*)::int, max(offline_notified_at)
                FROM machines WHERE client_id = \(clientID) AND offline_notified_at > \(start) AND offline_notified_at <= \(end)
                HAVING count(*) > 0
                UNION ALL
                SELECT 'disk_failing', NULL, NULL, CASE WHEN bool_or(status <> 'warning') THEN 'critical' ELSE 'warning' END,
                       count(*)::int, count(DISTINCT machine_id)::int, max(notified_at)
                FROM smart_alerts WHERE client_id = \(clientID) AND notified_at > \(start) AND notified_at <= \(end)
                HAVING count(*) > 0
            ) incidents
            ORDER BY n DESC, last_at DESC, name
            LIMIT \(DailySummary.topIncidents)
            """, logger: logger
        ).decode((String, String?, String?, String, Int, Int, Date).self) {
            incidents.append(.init(kind: row.0, name: row.1, metric: row.2, severity: row.3, count: row.4, machines: row.5, lastAt: row.6))
        }
        return incidents
    }

    /// Weighted means of the hourly roll-ups over [end − 24 h, end) and [end − 48 h, end − 24 h).
    private func trend(_ clientID: UUID, end: Date) async throws -> DailySummary.Trend {
        let current = end.addingTimeInterval(-86_400)
        let previous = end.addingTimeInterval(-2 * 86_400)
        var cpu = DailySummary.Change(current: nil, previous: nil)
        var ram = cpu
        var disk = cpu
        for try await row in try await client.query(
            """
            SELECT sum(h.cpu_avg * h.sample_count) FILTER (WHERE h.bucket >= \(current))
                       / nullif(sum(h.sample_count) FILTER (WHERE h.bucket >= \(current) AND h.cpu_avg IS NOT NULL), 0),
                   sum(h.cpu_avg * h.sample_count) FILTER (WHERE h.bucket < \(current))
                       / nullif(sum(h.sample_count) FILTER (WHERE h.bucket < \(current) AND h.cpu_avg IS NOT NULL), 0),
                   sum(h.ram_avg * h.sample_count) FILTER (WHERE h.bucket >= \(current))
                       / nullif(sum(h.sample_count) FILTER (WHERE h.bucket >= \(current) AND h.ram_avg IS NOT NULL), 0),
                   sum(h.ram_avg * h.sample_count) FILTER (WHERE h.bucket < \(current))
                       / nullif(sum(h.sample_count) FILTER (WHERE h.bucket < \(current) AND h.ram_avg IS NOT NULL), 0)
            FROM metrics_hourly h JOIN machines m ON m.id = h.machine_id
            WHERE m.client_id = \(clientID) AND h.bucket >= \(previous) AND h.bucket < \(end)
            """, logger: logger
        ).decode((Double?, Double?, Double?, Double?).self) {
            cpu = .init(current: row.0, previous: row.1)
            ram = .init(current: row.2, previous: row.3)
        }
        for try await row in try await client.query(
            """
            SELECT sum(h.disk_usage_avg * h.sample_count) FILTER (WHERE h.bucket >= \(current))
                       / nullif(sum(h.sample_count) FILTER (WHERE h.bucket >= \(current) AND h.disk_usage_avg IS NOT NULL), 0),
                   sum(h.disk_usage_avg * h.sample_count) FILTER (WHERE h.bucket < \(current))
                       / nullif(sum(h.sample_count) FILTER (WHERE h.bucket < \(current) AND h.disk_usage_avg IS NOT NULL), 0)
            FROM disk_hourly h JOIN machines m ON m.id = h.machine_id
            WHERE m.client_id = \(clientID) AND h.bucket >= \(previous) AND h.bucket < \(end)
            """, logger: logger
        ).decode((Double?, Double?).self) {
            disk = .init(current: row.0, previous: row.1)
        }
        return .init(currentStart: current, previousStart: previous, end: end, cpu: cpu, ram: ram, disk: disk)
    }
}
