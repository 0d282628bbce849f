#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// The routes of the agent's loopback status server: `GET /health` (the shared
/// ``HealthReport``; the agent has no dependency to check, so it is `ok` while it runs) and
/// `GET /metrics` (``AgentMetrics``).
public struct AgentStatusRoutes: Sendable {
    /// Method and path of every route, for the OpenAPI contract test.
    public static let routes: [(method: String, path: String)] = [("GET", "/health"), ("GET", "/metrics")]

    let metrics: AgentMetrics
    let started = ContinuousClock.now

    public init(metrics: AgentMetrics) {
        self.metrics = metrics
    }

    public func respond(method: String, path: String) -> StatusResponse {
        let response: StatusResponse
        switch (method, path) {
        case ("GET", "/health"), ("HEAD", "/health"): response = health()
        case ("GET", "/metrics"), ("HEAD", "/metrics"):
            response = StatusResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(metrics.exposition().utf8))
        case (_, "/health"), (_, "/metrics"): response = .text(405, "method not allowed\n")
        default: response = .text(404, "not found\n")
        }
        metrics.statusRequest(path: response.status == 404 ? "other" : path, status: response.status)
        return response
    }

    private func health() -> StatusResponse {
        let uptime = Int((ContinuousClock.now - started).components.seconds)
        let report = HealthReport(status: .ok, service: "agent", version: OptralisVersion.current, uptimeSeconds: uptime, checks: [:])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let body = try? encoder.encode(report) else { return .text(500, "internal error\n") }
        return StatusResponse(status: 200, contentType: "application/json; charset=utf-8", body: Array(body))
    }
}
