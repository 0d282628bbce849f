import Foundation
import Hummingbird
import Logging
import OptralisCore

/// What every Optralis HTTP server has: request ids and one log line per request, JSON errors,
/// request metrics, `GET /health` and `GET /metrics`.
extension Router {
    /// Adds the shared middleware. Call before adding routes: Hummingbird applies a middleware
    /// only to the routes added after it (and to unknown routes).
    /// `routineLevel`: the level of the request line of a request answered below 400 (`info`;
    /// the agents' port logs them at `debug`: a fleet posts thousands a second).
    public func addStandardMiddleware(routineLevel: Logger.Level = .info) {
        add(middleware: RequestIDMiddleware(routineLevel: routineLevel))
        add(middleware: ErrorMiddleware())
        add(middleware: MetricsMiddleware())
        add(middleware: NULRejectionMiddleware())
    }

    /// `GET /health` (503 when a required dependency is down), `GET /health/live` and `GET /metrics`.
    public func addStandardRoutes(health: HealthReporter) {
        OptralisMetrics.bootstrap(service: health.service)
        // Liveness: the process answers. Checks no dependency, so an orchestrator does not
        // restart every replica while PostgreSQL is down (readiness, /health, takes them out).
        get("/health/live") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"alive"}"#)))
        }
        get("/health") { _, _ -> Response in
            let report = await health.report()
            let body = try ResponseJSON.encode(report, sortedKeys: true)
            return Response(
                status: report.status == .down ? .serviceUnavailable : .ok,
                headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: OptralisMetrics.exposition())))
        }
    }
}
