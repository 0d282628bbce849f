import Foundation
import Logging
import PostgresNIO

/// The SQL of the public status page (``StatusController``).
struct StatusStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    /// Per service, the share of its checks that found it up, in each of the last 30 half-days.
    func uptime() async throws -> [String: [Double]] {
        var uptime: [String: [Double]] = [:]
        for try await (name, value) in try await database.query(
            """
            WITH bounds AS (
                SELECT i, date_trunc('day', now()) + CASE WHEN extract(hour FROM now()) >= 12 THEN INTERVAL '12 hours' ELSE INTERVAL '0' END
                          - (29 - i) * INTERVAL '12 hours' AS start
                FROM generate_series(0, 29) AS i
            )
            SELECT s.name, COALESCE(avg(CASE WHEN u.status IS NULL THEN NULL WHEN u.status IN ('online', 'degraded') THEN 100.0 ELSE 0.0 END), 100.0)::float8
            FROM (VALUES ('api'), ('database'), ('ai')) AS s(name) CROSS JOIN bounds b
            LEFT JOIN service_uptime u ON u.service_name = s.name AND u.checked_at >= b.start AND u.checked_at < b.start + INTERVAL '12 hours'
            GROUP BY s.name, b.i ORDER BY s.name, b.i
            """, logger: logger
        ).decode((String, Double).self) {
            uptime[name, default: []].append((value * 10).rounded() / 10)
        }
        return uptime
    }

    /// The ai service's latest check: its status and response time.
    func latestAI() async throws -> (String, Int?)? {
        for try await row in try await database.query(
            "SELECT status, response_time_ms FROM service_uptime WHERE service_name = 'ai' ORDER BY checked_at DESC LIMIT 1", logger: logger
        ).decode((String, Int?).self) { return row }
        return nil
    }

    func fleet() async throws -> StatusController.FleetMetrics {
        for try await (total, online, health) in try await database.query(
            """
            SELECT count(*)::int, (count(*) FILTER (WHERE last_seen > now() - INTERVAL '5 minutes'))::int, avg(health_score)::float8
            FROM machines
            """, logger: logger
        ).decode((Int, Int, Double?).self) {
            return StatusController.FleetMetrics(
                totalMachines: total, onlineMachines: online, offlineMachines: total - online, averageHealthScore: health.map { ($0 * 10).rounded() / 10 })
        }
        return StatusController.FleetMetrics(totalMachines: 0, onlineMachines: 0, offlineMachines: 0, averageHealthScore: nil)
    }

    func incidents() async throws -> [StatusController.Incident] {
        var incidents: [StatusController.Incident] = []
        for try await row in try await database.query(
            "SELECT id, service_name, status, started_at, resolved_at, description FROM service_incidents ORDER BY started_at DESC LIMIT 10", logger: logger
        ).decode((UUID, String, String, Date, Date?, String?).self) {
            incidents.append(
                StatusController.Incident(id: row.0, serviceName: row.1, status: row.2, startedAt: row.3, resolvedAt: row.4, description: row.5))
        }
        return incidents
    }
}
