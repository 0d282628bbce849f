import Foundation
import Hummingbird
import Logging
import OptralisPostgres
import PostgresNIO
import Synchronization

/// The public status page data: `GET /status` (cached 60 s) and `GET /status/incidents`.
/// Service history comes from the scheduler's uptime job (`service_uptime`).
final class StatusController: Sendable {
    let database: Database
    let logger: Logger
    private let cache = Mutex<(at: Date, body: StatusBody)?>(nil)
    static let cacheSeconds: TimeInterval = 60

    init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    struct ServiceStatus: Codable, Sendable {
        let status: String
        let responseTimeMs: Int?
        let uptime15d: [Double]
        enum CodingKeys: String, CodingKey { case status, responseTimeMs = "response_time_ms", uptime15d = "uptime_15d" }
    }
    struct FleetMetrics: Codable, Sendable {
        let totalMachines: Int
        let onlineMachines: Int
        let offlineMachines: Int
        let averageHealthScore: Double?
        enum CodingKeys: String, CodingKey {
            case totalMachines = "total_machines", onlineMachines = "online_machines", offlineMachines = "offline_machines"
            case averageHealthScore = "average_health_score"
        }
    }
    struct StatusBody: ResponseEncodable, Sendable {
        let overallStatus: String
        let services: [String: ServiceStatus]
        let metrics: FleetMetrics
        let timestamp: Date
        enum CodingKeys: String, CodingKey { case overallStatus = "overall_status", services, metrics, timestamp }
    }
    struct Incident: Codable, Sendable {
        let id: UUID
        let serviceName: String
        let status: String
        let startedAt: Date
        let resolvedAt: Date?
        let description: String?
        enum CodingKeys: String, CodingKey {
            case id, status, description, serviceName = "service_name", startedAt = "started_at", resolvedAt = "resolved_at"
        }
    }
    struct Incidents: ResponseEncodable { let incidents: [Incident] }

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("/status") { request, context -> Response in
            var response = try await self.status().response(from: request, context: context)
            response.headers[.cacheControl] = "public, max-age=60"
            return response
        }
        router.get("/status/incidents") { _, _ -> Incidents in
            Incidents(incidents: try await self.incidents())
        }
    }

    func status() async throws -> StatusBody {
        if let cached = cache.withLock({ $0 }), Date().timeIntervalSince(cached.at) < Self.cacheSeconds { return cached.body }
        let client = database.client
        var uptime: [String: [Double]] = [:]
        for try await (name, value) in try await client.query(
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
        var latestAI: (String, Int?)?
        for try await row in try await client.query(
            "SELECT status, response_time_ms FROM service_uptime WHERE service_name = 'ai' ORDER BY checked_at DESC LIMIT 1", logger: logger
        ).decode((String, Int?).self) { latestAI = row }
        let database: ServiceStatus
        if let latency = try? await self.database.ping(timeout: .seconds(2), logger: logger) {
            let milliseconds = Int(latency.milliseconds)
            database = ServiceStatus(status: milliseconds > 1000 ? "degraded" : "online", responseTimeMs: milliseconds, uptime15d: uptime["database"] ?? [])
        } else {
            database = ServiceStatus(status: "offline", responseTimeMs: nil, uptime15d: uptime["database"] ?? [])
        }
        let services = [
            "api": ServiceStatus(status: "online", responseTimeMs: 0, uptime15d: uptime["api"] ?? []),
            "database": database,
            "ai": ServiceStatus(status: latestAI?.0 ?? "unknown", responseTimeMs: latestAI?.1, uptime15d: uptime["ai"] ?? []),
        ]
        var metrics = FleetMetrics(totalMachines: 0, onlineMachines: 0, offlineMachines: 0, averageHealthScore: nil)
        for try await (total, online, health) in try await client.query(
            """
            SELECT count(*)::int, (count(*) FILTER (WHERE last_seen > now() - INTERVAL '5 minutes'))::int, avg(health_score)::float8
            FROM machines
            """, logger: logger
        ).decode((Int, Int, Double?).self) {
            metrics = FleetMetrics(totalMachines: total, onlineMachines: online, offlineMachines: total - online, averageHealthScore: health.map { ($0 * 10).rounded() / 10 })
        }
        let rank = ["online": 0, "unknown": 0, "degraded": 1, "offline": 2]
        let worst = services.values.map(\.status).max { rank[$0, default: 0] < rank[$1, default: 0] } ?? "online"
        let body = StatusBody(overallStatus: worst == "unknown" ? "online" : worst, services: services, metrics: metrics, timestamp: Date())
        cache.withLock { $0 = (Date(), body) }
        return body
    }

    func incidents() async throws -> [Incident] {
        var incidents: [Incident] = []
        for try await row in try await database.client.query(
            "SELECT id, service_name, status, started_at, resolved_at, description FROM service_incidents ORDER BY started_at DESC LIMIT 10", logger: logger
        ).decode((UUID, String, String, Date, Date?, String?).self) {
            incidents.append(Incident(id: row.0, serviceName: row.1, status: row.2, startedAt: row.3, resolvedAt: row.4, description: row.5))
        }
        return incidents
    }
}
