import Foundation
import Hummingbird

/// `GET /api/public/landing-stats`: the website's public counters, cached 60 s in Redis
/// (`landing:stats`) and for browsers and proxies (`Cache-Control: public, max-age=60`).
struct LandingStatsController {
    let store: LandingStatsStore
    let cache: FleetCache

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
            let stats = try await cache.value(.landingStats) { try await store.compute() }
            var response = try stats.response(from: request, context: context)
            response.headers[.cacheControl] = "public, max-age=60"
            return response
        }
    }
}

extension LandingStatsController.Stats: ResponseEncodable {}
