import Foundation
import Hummingbird
import Logging
import OptralisPostgres
import Synchronization

/// The public status page data: `GET /status` (cached 60 s) and `GET /status/incidents`.
/// Service history comes from the scheduler's uptime job (`service_uptime`).
final class StatusController: Sendable {
    let database: Database
    let store: StatusStore
    let logger: Logger
    private let cache = Mutex<(at: Date, body: StatusBody)?>(nil)
    static let cacheSeconds: TimeInterval = 60

    init(database: Database, logger: Logger) {
        self.database = database
        store = StatusStore(database: database.client, logger: logger)
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
        let uptime = try await store.uptime()
        let latestAI = try await store.latestAI()
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
        let metrics = try await store.fleet()
        let rank = ["online": 0, "unknown": 0, "degraded": 1, "offline": 2]
        let worst = services.values.map(\.status).max { rank[$0, default: 0] < rank[$1, default: 0] } ?? "online"
        let body = StatusBody(overallStatus: worst == "unknown" ? "online" : worst, services: services, metrics: metrics, timestamp: Date())
        cache.withLock { $0 = (Date(), body) }
        return body
    }

    func incidents() async throws -> [Incident] { try await store.incidents() }
}
