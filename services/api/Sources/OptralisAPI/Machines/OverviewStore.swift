import Foundation
import Logging
import PostgresNIO

/// The SQL of `GET /api/overview` (``OverviewController``): counts, breakdowns and top problems of a client's fleet.
struct OverviewStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Count: Encodable, Sendable {
        let name: String
        let count: Int
    }

    struct Problem: Encodable, Sendable {
        let machineID: UUID
        let hostname: String
        let problem: String
        let severity: String
        let detail: String
        enum CodingKeys: String, CodingKey { case machineID = "machine_id", hostname, problem, severity, detail }
    }

    func counts(_ clientID: UUID) async throws -> (Int, Int, Int, Int, Double?) {
        for try await row in try await database.query(
            """
            SELECT count(*)::int, count(*) FILTER (WHERE \(unescaped: MachineListStore.online))::int,
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM alert_rule_history h WHERE h.machine_id = m.id AND h.client_id = m.client_id
                                                  AND h.triggered_at > now() - interval '1 hour'))::int,
                   count(*) FILTER (WHERE maintenance_mode)::int, round(avg(health_score), 1)::float8
            FROM machines m WHERE m.client_id = \(clientID)
            """, logger: logger
        ).decode((Int, Int, Int, Int, Double?).self) {
            return row
        }
        return (0, 0, 0, 0, nil)
    }

    enum Breakdown {
        case operatingSystem, agentVersion

        var column: String {
            switch self {
            case .operatingSystem: "COALESCE(os_version, os, 'unknown')"
            case .agentVersion: "COALESCE(agent_version, 'unknown')"
            }
        }
    }

    func breakdown(_ clientID: UUID, by breakdown: Breakdown) async throws -> [Count] {
        var binds = PostgresBindings()
        binds.append(clientID)
        return try await database.query(
            PostgresQuery(
                unsafeSQL: "SELECT \(breakdown.column), count(*)::int FROM machines WHERE client_id = $1 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20", binds: binds),
            logger: logger
        ).decode((String, Int).self).reduce(into: []) { $0.append(Count(name: $1.0, count: $1.1)) }
    }

    func problems(_ clientID: UUID) async throws -> [Problem] {
        try await database.query(
            """
            SELECT id, hostname, problem, severity, detail FROM (
                SELECT m.id, m.hostname, 'offline' AS problem, 'critical' AS severity, 1 AS rank,
                       'last seen ' || coalesce(to_char(m.last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'), 'never') AS detail
                FROM machines m WHERE m.client_id = \(clientID) AND NOT m.maintenance_mode
                  AND \(unescaped: MachineListStore.offline)
                UNION ALL
                SELECT DISTINCT ON (m.id) m.id, m.hostname, 'disk_failing', 'critical', 0, s.device || ': ' || s.smart_status
                FROM machines m JOIN LATERAL (
                    SELECT device, smart_status FROM smart_data WHERE machine_id = m.id AND recorded_at > now() - interval '1 day'
                    ORDER BY recorded_at DESC LIMIT 8) s ON s.smart_status IN ('critical', 'warning')
                WHERE m.client_id = \(clientID)
                UNION ALL
                SELECT m.id, m.hostname, 'disk_full', 'warning', 2, (d.disk -> 0 ->> 'mount_point') || ' ' || (d.disk -> 0 ->> 'used_percent') || ' %'
                FROM machines m JOIN LATERAL (
                    SELECT jsonb_path_query_array(data, '$.disks[*] ? (@.used_percent > 90)') AS disk
                    FROM machine_collector_data WHERE machine_id = m.id AND collector = 'storage') d ON jsonb_array_length(d.disk) > 0
                WHERE m.client_id = \(clientID)
                UNION ALL
                SELECT m.id, m.hostname, 'os_not_compliant', 'warning', 3, coalesce(m.os_version, m.os, '')
                FROM machines m WHERE m.client_id = \(clientID) AND NOT m.is_os_compliant
                UNION ALL
                SELECT m.id, m.hostname, 'certificate_expiring', 'warning', 4, 'expires ' || to_char(m.cert_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
                FROM machines m WHERE m.client_id = \(clientID) AND m.cert_revoked_at IS NULL AND m.cert_expires_at < now() + interval '30 days'
            ) problems ORDER BY rank, hostname LIMIT 20
            """, logger: logger
        ).decode((UUID, String, String, String, String).self).reduce(into: []) {
            $0.append(Problem(machineID: $1.0, hostname: $1.1, problem: $1.2, severity: $1.3, detail: $1.4))
        }
    }
}
