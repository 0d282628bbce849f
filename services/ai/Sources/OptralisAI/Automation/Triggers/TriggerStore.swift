import Foundation
import Logging
import OptralisCore
import OptralisPostgres
import PostgresNIO

/// The SQL of condition triggers: the enabled ones, the facts their conditions read, the
/// history. Every query names the trigger's client, so a trigger only sees its client's machines.
struct TriggerStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// CPU and RAM are judged on a sample at most this old; an older one says nothing of now
    /// (`offline_minutes` covers a machine that stopped sending).
    static let freshMetrics: TimeInterval = 15 * 60

    /// Enabled triggers of clients on an active licence of Essentials or above (the spec's
    /// "AI Triggers (Essentials+ seulement)").
    func active() async throws -> [ActiveTrigger] {
        let rows = try await client.query(
            """
            SELECT t.id, t.client_id, c.name, COALESCE(a.language, c.language), t.trigger_type, t.conditions::text,
                   t.actions->>'analysis_type',
                   ARRAY(SELECT jsonb_array_elements_text(COALESCE(t.actions->'notify_channels', '[]'::jsonb)))::uuid[],
                   t.created_at
            FROM ai_triggers t
            JOIN clients c ON c.id = t.client_id
            JOIN license_types l ON l.code = c.license_type
            LEFT JOIN ai_configs a ON a.client_id = c.id
            WHERE t.enabled AND c.license_status = 'active' AND l.tier_level >= 2
            ORDER BY t.client_id, t.created_at
            """, logger: logger)
        var triggers: [ActiveTrigger] = []
        let decoder = JSONDecoder()
        for try await (id, clientID, name, language, type, conditions, analysis, channels, created) in rows.decode(
            (UUID, UUID, String, String, String, String, String?, [UUID], Date).self)
        {
            let numbers = (try? decoder.decode([String: Double].self, from: Data(conditions.utf8))) ?? [:]
            triggers.append(
                ActiveTrigger(
                    id: id, clientID: clientID, clientName: name, language: language, triggerType: type, conditions: numbers,
                    analysisType: analysis, notifyChannels: channels, createdAt: created))
        }
        return triggers
    }

    /// The facts of every machine of the client, in one query.
    func facts(clientID: UUID, trendDays: Double, now: Date) async throws -> [MachineFacts] {
        let freshSince = now.addingTimeInterval(-Self.freshMetrics)
        let trendSince = now.addingTimeInterval(-trendDays * 86_400)
        let rows = try await client.query(
            """
            SELECT m.id, m.hostname, m.created_at, m.last_seen, m.maintenance_mode, m.health_score,
                   s.cpu_percent, s.ram_percent, d.used::float8, z.z::float8, z.metric_type, h.best
            FROM machines m
            LEFT JOIN LATERAL (
                SELECT cpu_percent, ram_percent FROM metrics
                WHERE machine_id = m.id AND recorded_at >= \(freshSince) AND recorded_at <= \(now)
                ORDER BY recorded_at DESC LIMIT 1) s ON true
            LEFT JOIN LATERAL (
                SELECT max(used_percent) AS used FROM disk_info
                WHERE machine_id = m.id AND recorded_at = (SELECT max(recorded_at) FROM disk_info WHERE machine_id = m.id)) d ON true
            LEFT JOIN LATERAL (
                SELECT z_score AS z, metric_type FROM metric_baselines
                WHERE machine_id = m.id AND z_score IS NOT NULL ORDER BY z_score DESC LIMIT 1) z ON true
            LEFT JOIN LATERAL (
                SELECT max(overall_score) AS best FROM ai_analysis_results
                WHERE client_id = \(clientID) AND machine_id = m.id AND analysis_type = 'health_score'
                  AND created_at >= \(trendSince) AND created_at <= \(now)) h ON true
            WHERE m.client_id = \(clientID)
            ORDER BY m.hostname
            """, logger: logger)
        var machines: [MachineFacts] = []
        for try await (id, hostname, created, seen, maintenance, score, cpu, ram, disk, z, metric, best) in rows.decode(
            (UUID, String, Date, Date?, Bool, Int?, Double?, Double?, Double?, Double?, String?, Int?).self)
        {
            machines.append(
                MachineFacts(
                    id: id, hostname: hostname, createdAt: created, lastSeen: seen, maintenance: maintenance, healthScore: score,
                    cpuPercent: cpu, ramPercent: ram, diskPercent: disk, maxZScore: z, maxZScoreMetric: metric, bestRecentScore: best))
        }
        return machines
    }

    /// The machines this trigger has already fired for (any time): a new machine is new once.
    func firedMachines(_ trigger: ActiveTrigger) async throws -> Set<UUID> {
        let rows = try await client.query(
            """
            SELECT DISTINCT machine_id FROM ai_trigger_history
            WHERE trigger_id = \(trigger.id) AND client_id = \(trigger.clientID) AND machine_id IS NOT NULL
            """, logger: logger)
        var machines: Set<UUID> = []
        for try await id in rows.decode(UUID.self) { machines.insert(id) }
        return machines
    }

    /// One firing, with the analysis's row when one ran; also moves `last_triggered_at`.
    func record(_ firing: TriggerFiring) async throws {
        try await client.transaction(logger: logger) { connection in
            try await connection.query(
                """
                INSERT INTO ai_trigger_history
                    (client_id, trigger_id, machine_id, analysis_id, trigger_reason, analysis_result, status, triggered_at, executed_at)
                VALUES (\(firing.clientID), \(firing.triggerID), \(firing.machineID), \(firing.analysisID), \(firing.reason),
                        \(firing.resultJSON)::jsonb, \(firing.status), \(firing.triggeredAt), \(firing.triggeredAt))
                """, logger: logger)
            try await connection.query(
                """
                UPDATE ai_triggers SET last_triggered_at = \(firing.triggeredAt)
                WHERE id = \(firing.triggerID) AND client_id = \(firing.clientID)
                """, logger: logger)
        }
    }
}
