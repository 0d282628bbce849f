import Foundation
import Hummingbird

/// `GET /status/external` (public): the UptimeRobot monitors with their 15-day ratio and 30
/// half-day bars. Without `UPTIMEROBOT_API_KEY`: 200 `configured: false`, UptimeRobot never called.
///
/// Cached 60 s in Redis (`status:external`, shared by the api's replicas) and for browsers and
/// proxies (`Cache-Control: public, max-age=60`). Behind the Redis entry, ``ExternalStatusSource``
/// keeps this replica's last answer for the same 60 s and lets concurrent misses share one call:
/// a public route must not turn visitors into UptimeRobot calls (10 a minute on its free plan)
/// when Redis is down or its entry just expired. Failures are not cached.
struct ExternalStatusController: Sendable {
    let source: ExternalStatusSource?
    let cache: FleetCache

    init(uptimeRobot: UptimeRobotClient?, cache: FleetCache) {
        source = uptimeRobot.map { ExternalStatusSource(client: $0, maximumAge: .seconds(FleetCache.Entry.externalStatus.seconds)) }
        self.cache = cache
    }

    func addRoutes(to router: Router<APIRequestContext>) {
        router.get("/status/external") { request, context -> Response in
            let status: ExternalStatus
            if let source {
                status = try await cache.value(.externalStatus) { try await source.value() }
            } else {
                status = ExternalStatus(configured: false, monitors: [], timestamp: Date())
            }
            var response = try status.response(from: request, context: context)
            response.headers[.cacheControl] = "public, max-age=60"
            return response
        }
    }
}

/// This replica's memory of the last UptimeRobot answer, and the one call in flight that
/// concurrent requests wait for instead of each making their own.
actor ExternalStatusSource {
    let client: UptimeRobotClient
    let maximumAge: Duration
    private var last: (at: ContinuousClock.Instant, status: ExternalStatus)?
    private var running: Task<ExternalStatus, any Error>?

    init(client: UptimeRobotClient, maximumAge: Duration) {
        self.client = client
        self.maximumAge = maximumAge
    }

    func value() async throws -> ExternalStatus {
        if let last, ContinuousClock.now - last.at < maximumAge { return last.status }
        if let running { return try await running.value }
        let client = self.client
        let task = Task {
            let now = Date()
            return ExternalStatus(configured: true, monitors: ExternalMonitorBuilder.monitors(try await client.monitors(), now: now), timestamp: now)
        }
        running = task
        defer { running = nil }
        let status = try await task.value
        last = (ContinuousClock.now, status)
        return status
    }
}
