import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// `GET /api/public/landing-stats`: the website's public counters, cached 60 s in Redis
/// (`landing:stats`) and for browsers and proxies (`Cache-Control: public, max-age=60`).
struct LandingStatsController {
    let client: PostgresClient
    let cache: FleetCache
    let logger: Logger

    struct Stats: Codable, Sendable {
        let totalMachines: Int
        let activeClients: Int
        /// Hours every machine has been monitored since its enrolment, summed.
        let totalMonitoringHours: Int
        enum CodingKeys: String, CodingKey {
            case totalMachines = "total_machines", activeClients = "active_clients", totalMonitoringHours = "total_monitoring_hours"
        }
    }

    func addRoutes(to router: Router<APIRequestContext>) {
        router.get("api/public/landing-stats") { request, context -> Response in
            let stats = try await cache.value(.landingStats) { try await compute() }
            var response = try stats.response(from: request, context: context)
            response.headers[.cacheControl] = "public, max-age=60"
            return response
        }
    }

    private func compute() async throws -> Stats {
        for try await row in try await client.query(
            """
            SELECT (SELECT count(*) FROM machines)::int,
                   (SELECT count(*) FROM clients WHERE license_status = 'active')::int,
                   (SELECT COALESCE(sum(extract(epoch FROM now() - created_at)) / 3600, 0) FROM machines)::bigint
            """, logger: logger
        ).decode((Int, Int, Int).self) {
            return Stats(totalMachines: row.0, activeClients: row.1, totalMonitoringHours: row.2)
        }
        return Stats(totalMachines: 0, activeClients: 0, totalMonitoringHours: 0)
    }
}

extension LandingStatsController.Stats: ResponseEncodable {}
