import Foundation
import Logging
import PostgresNIO

/// The SQL of the executive reports. Every query takes the client's id; machines are joined on
/// it, so another client's rows never enter a figure.
public struct ExecutiveReportStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public struct ClientInfo: Sendable {
        public let name: String
        public let language: String
        public let tierLevel: Int
    }

    public func clientInfo(_ clientID: UUID) async throws -> ClientInfo? {
        let rows = try await client.query(
            """
            SELECT c.name, c.language, lt.tier_level FROM clients c JOIN license_types lt ON lt.code = c.license_type WHERE c.id = \(clientID)
            """, logger: logger)
        for try await (name, language, tier) in rows.decode((String, String, Int).self) {
            return ClientInfo(name: name, language: language, tierLevel: tier)
        }
        return nil
    }

    struct Machine: Sendable {
        let id: UUID
        let createdAt: Date
    }

    /// The client's machines created before `before`.
    func machines(_ clientID: UUID, before: Date) async throws -> [Machine] {
        var machines: [Machine] = []
        let rows = try await client.query(
            "SELECT id, created_at FROM machines WHERE client_id = \(clientID) AND created_at < \(before)", logger: logger)
        for try await (id, created) in rows.decode((UUID, Date).self) { machines.append(Machine(id: id, createdAt: created)) }
        return machines
    }

    /// Per machine, its hours in `[from, to)` with at least one sample.
    func availableHours(_ clientID: UUID, from: Date, to: Date) async throws -> [UUID: Int] {
        var hours: [UUID: Int] = [:]
        let rows = try await client.query(
            """
            SELECT h.machine_id, count(*)::int FROM metrics_hourly h JOIN machines m ON m.id = h.machine_id
            WHERE m.client_id = \(clientID) AND h.bucket >= \(from) AND h.bucket < \(to) AND h.sample_count > 0
            GROUP BY h.machine_id
            """, logger: logger)
        for try await (id, count) in rows.decode((UUID, Int).self) { hours[id] = count }
        return hours
    }

    struct ChartRow: Sendable {
        let bucket: Int
        let availableHours: Int
        let cpu: Double?
        let ram: Double?
    }

    /// Hours with samples and sample-weighted CPU and RAM averages, per bucket of `bucketSeconds`
    /// counted from `from`.
    func chartRows(_ clientID: UUID, from: Date, to: Date, bucketSeconds: Int) async throws -> [ChartRow] {
        var result: [ChartRow] = []
        let rows = try await client.query(
            """
            SELECT floor(extract(epoch FROM h.bucket - \(from)) / \(bucketSeconds))::int,
                   (count(*) FILTER (WHERE h.sample_count > 0))::int,
                   (sum(h.cpu_avg * h.sample_count) / NULLIF(sum(h.sample_count) FILTER (WHERE h.cpu_avg IS NOT NULL), 0))::float8,
                   (sum(h.ram_avg * h.sample_count) / NULLIF(sum(h.sample_count) FILTER (WHERE h.ram_avg IS NOT NULL), 0))::float8
            FROM metrics_hourly h JOIN machines m ON m.id = h.machine_id
            WHERE m.client_id = \(clientID) AND h.bucket >= \(from) AND h.bucket < \(to)
            GROUP BY 1 ORDER BY 1
            """, logger: logger)
        for try await (bucket, hours, cpu, ram) in rows.decode((Int, Int, Double?, Double?).self) {
            result.append(ChartRow(bucket: bucket, availableHours: hours, cpu: cpu, ram: ram))
        }
        return result
    }

    /// Sample-weighted CPU, RAM and disk-usage averages over `period` and `previous`.
    func averages(_ clientID: UUID, period: (from: Date, to: Date), previous: (from: Date, to: Date))
        async throws -> (cpu: (Double?, Double?), ram: (Double?, Double?), disk: (Double?, Double?))
    {
        let (from, to, earlier) = (period.from, period.to, previous.from)
        var cpu: (Double?, Double?) = (nil, nil), ram: (Double?, Double?) = (nil, nil), disk: (Double?, Double?) = (nil, nil)
        let metrics = try await client.query(
            """
            SELECT (sum(h.cpu_avg * h.sample_count) FILTER (WHERE h.bucket >= \(from))
                      / NULLIF(sum(h.sample_count) FILTER (WHERE h.bucket >= \(from) AND h.cpu_avg IS NOT NULL), 0))::float8,
                   (sum(h.cpu_avg * h.sample_count) FILTER (WHERE h.bucket < \(from))
                      / NULLIF(sum(h.sample_count) FILTER (WHERE h.bucket < \(from) AND h.cpu_avg IS NOT NULL), 0))::float8,
                   (sum(h.ram_avg * h.sample_count) FILTER (WHERE h.bucket >= \(from))
                      / NULLIF(sum(h.sample_count) FILTER (WHERE h.bucket >= \(from) AND h.ram_avg IS NOT NULL), 0))::float8,
                   (sum(h.ram_avg * h.sample_count) FILTER (WHERE h.bucket < \(from))
                      / NULLIF(sum(h.sample_count) FILTER (WHERE h.bucket < \(from) AND h.ram_avg IS NOT NULL), 0))::float8
            FROM metrics_hourly h JOIN machines m ON m.id = h.machine_id
            WHERE m.client_id = \(clientID) AND h.bucket >= \(earlier) AND h.bucket < \(to)
            """, logger: logger)
        for try await (c, cp, r, rp) in metrics.decode((Double?, Double?, Double?, Double?).self) { (cpu, ram) = ((c, cp), (r, rp)) }
        let disks = try await client.query(
            """
            SELECT (sum(d.disk_usage_avg * d.sample_count) FILTER (WHERE d.bucket >= \(from))
                      / NULLIF(sum(d.sample_count) FILTER (WHERE d.bucket >= \(from) AND d.disk_usage_avg IS NOT NULL), 0))::float8,
                   (sum(d.disk_usage_avg * d.sample_count) FILTER (WHERE d.bucket < \(from))
                      / NULLIF(sum(d.sample_count) FILTER (WHERE d.bucket < \(from) AND d.disk_usage_avg IS NOT NULL), 0))::float8
            FROM disk_hourly d JOIN machines m ON m.id = d.machine_id
            WHERE m.client_id = \(clientID) AND d.bucket >= \(earlier) AND d.bucket < \(to)
            """, logger: logger)
        for try await (d, dp) in disks.decode((Double?, Double?).self) { disk = (d, dp) }
        return (cpu, ram, disk)
    }

    /// Alert-rule firings in `[from, to)` per metric and severity, and the total of `[earlier, from)`.
    func alerts(_ clientID: UUID, earlier: Date, from: Date, to: Date) async throws -> (rows: [(metric: String, severity: String, count: Int)], previous: Int) {
        var result: [(metric: String, severity: String, count: Int)] = []
        var previous = 0
        let rows = try await client.query(
            """
            SELECT metric, severity, (triggered_at >= \(from)) AS current, count(*)::int FROM alert_rule_history
            WHERE client_id = \(clientID) AND triggered_at >= \(earlier) AND triggered_at < \(to)
            GROUP BY 1, 2, 3
            """, logger: logger)
        for try await (metric, severity, current, count) in rows.decode((String, String, Bool, Int).self) {
            if current { result.append((metric, severity, count)) } else { previous += count }
        }
        return (result, previous)
    }

    /// The period's worst alert-rule firings: critical first, then the most recent.
    func incidents(_ clientID: UUID, from: Date, to: Date, limit: Int) async throws -> [ExecutiveReport.Incident] {
        var result: [ExecutiveReport.Incident] = []
        let rows = try await client.query(
            """
            SELECT m.hostname, a.rule_name, a.metric, a.severity, a.triggered_value, a.threshold, a.triggered_at, a.resolved_at
            FROM alert_rule_history a JOIN machines m ON m.id = a.machine_id AND m.client_id = a.client_id
            WHERE a.client_id = \(clientID) AND a.triggered_at >= \(from) AND a.triggered_at < \(to)
            ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, a.triggered_at DESC
            LIMIT \(limit)
            """, logger: logger)
        for try await (host, rule, metric, severity, value, threshold, at, resolved) in rows.decode(
            (String, String, String, String, Double, Double, Date, Date?).self)
        {
            result.append(
                .init(hostname: host, rule: rule, metric: metric, severity: severity, value: value, threshold: threshold, triggeredAt: at, resolvedAt: resolved)
            )
        }
        return result
    }

    /// The machines with the most alert-rule firings in the period.
    func topMachines(_ clientID: UUID, from: Date, to: Date, limit: Int) async throws -> [ExecutiveReport.MachineAlerts] {
        var result: [ExecutiveReport.MachineAlerts] = []
        let rows = try await client.query(
            """
            SELECT m.hostname, count(*)::int FROM alert_rule_history a JOIN machines m ON m.id = a.machine_id AND m.client_id = a.client_id
            WHERE a.client_id = \(clientID) AND a.triggered_at >= \(from) AND a.triggered_at < \(to)
            GROUP BY m.id, m.hostname ORDER BY 2 DESC, 1 LIMIT \(limit)
            """, logger: logger)
        for try await (host, count) in rows.decode((String, Int).self) { result.append(.init(hostname: host, alerts: count)) }
        return result
    }

    /// Each disk's latest warning, critical or failure-predicting S.M.A.R.T. report of the period.
    func failingDisks(_ clientID: UUID, from: Date, to: Date) async throws -> [ExecutiveReport.SMART.Disk] {
        var result: [ExecutiveReport.SMART.Disk] = []
        let rows = try await client.query(
            """
            SELECT hostname, device, model, smart_status, predicted_failure FROM (
                SELECT DISTINCT ON (s.machine_id, s.device) m.hostname, s.device, s.model, s.smart_status, s.predicted_failure
                FROM smart_data s JOIN machines m ON m.id = s.machine_id
                WHERE m.client_id = \(clientID) AND s.recorded_at >= \(from) AND s.recorded_at < \(to)
                  AND (s.smart_status IN ('warning', 'critical') OR s.predicted_failure)
                ORDER BY s.machine_id, s.device, s.recorded_at DESC
            ) failing ORDER BY smart_status = 'critical' DESC, hostname, device
            """, logger: logger)
        for try await (host, device, model, status, predicted) in rows.decode((String, String, String?, String, Bool).self) {
            result.append(.init(hostname: host, device: device, model: model, status: status, predictedFailure: predicted))
        }
        return result
    }

    func patches(_ clientID: UUID) async throws -> ExecutiveReport.Patches {
        let rows = try await client.query(
            """
            SELECT coalesce(sum(i.pending_updates), 0)::int, coalesce(sum(i.security_updates), 0)::int,
                   (count(*) FILTER (WHERE i.pending_updates > 0))::int, (count(*) FILTER (WHERE i.reboot_required))::int
            FROM machine_inventory i JOIN machines m ON m.id = i.machine_id WHERE m.client_id = \(clientID)
            """, logger: logger)
        for try await (pending, security, machines, reboot) in rows.decode((Int, Int, Int, Int).self) {
            return .init(pendingUpdates: pending, securityUpdates: security, machinesWithUpdates: machines, rebootRequired: reboot)
        }
        return .init(pendingUpdates: 0, securityUpdates: 0, machinesWithUpdates: 0, rebootRequired: 0)
    }

    func health(_ clientID: UUID) async throws -> ExecutiveReport.Health {
        let rows = try await client.query(
            """
            SELECT avg(health_score)::float8, count(health_score)::int, (count(*) FILTER (WHERE health_score < 50))::int, min(health_score)
            FROM machines WHERE client_id = \(clientID)
            """, logger: logger)
        for try await (average, scored, below, lowest) in rows.decode((Double?, Int, Int, Int?).self) {
            return .init(fleetScore: average.map { ($0 * 10).rounded() / 10 }, scoredMachines: scored, machinesBelow50: below, lowestScore: lowest)
        }
        return .init(fleetScore: nil, scoredMachines: 0, machinesBelow50: 0, lowestScore: nil)
    }

    /// The client's admins (email, language), who receive the scheduled reports.
    public func admins(_ clientID: UUID) async throws -> [(email: String, language: String)] {
        var result: [(email: String, language: String)] = []
        let rows = try await client.query("SELECT email, language FROM users WHERE client_id = \(clientID) AND role = 'admin' ORDER BY email", logger: logger)
        for try await (email, language) in rows.decode((String, String).self) { result.append((email, language)) }
        return result
    }

    /// Active clients whose licence tier is at least `tier` and that have an admin.
    public func clients(minimumTier tier: Int) async throws -> [UUID] {
        var result: [UUID] = []
        let rows = try await client.query(
            """
            SELECT c.id FROM clients c JOIN license_types lt ON lt.code = c.license_type
            WHERE lt.tier_level >= \(tier) AND c.license_status = 'active' AND (c.license_expires_at IS NULL OR c.license_expires_at > now())
              AND EXISTS (SELECT 1 FROM users u WHERE u.client_id = c.id AND u.role = 'admin')
            ORDER BY c.id
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { result.append(id) }
        return result
    }
}
