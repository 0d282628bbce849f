import Foundation
import Logging
import OptralisCore
import OptralisCurl
import OptralisTestSupport
import Testing

@testable import OptralisAgent

@Suite("Agent status server")
struct StatusServerTests {
    @Test func answers_health_and_metrics_refuses_other_routes_and_stops() async throws {
        let port = try freePort()
        let metrics = AgentMetrics()
        metrics.post("metrics", .delivered)
        metrics.post("metrics", .retry)
        metrics.collectFailed("storage_health")
        let routes = AgentStatusRoutes(metrics: metrics)
        let server = try StatusServer(host: "127.0.0.1", port: port, logger: Logger(label: "test")) { routes.respond(method: $0, path: $1) }
        try server.start()
        let http = CurlClient(concurrency: 1)
        defer { Task { await http.shutdown() } }
        let base = "http://127.0.0.1:\(port)"

        let health = try await http.send(OutboundRequest(url: base + "/health?probe=1"))
        #expect(health.status == 200 && health.header("Content-Type")?.hasPrefix("application/json") == true)
        let report = try JSONDecoder().decode(HealthReport.self, from: Data(health.body))
        #expect(report.service == "agent" && report.status == .ok && report.checks.isEmpty)

        let exposition = try await http.send(OutboundRequest(url: base + "/metrics")).bodyText
        #expect(exposition.contains(#"optralis_build_info{service="agent",version="\#(OptralisVersion.current)"} 1"#))
        #expect(exposition.contains(#"optralis_agent_posts_total{collector="metrics",outcome="delivered"} 1"#))
        #expect(exposition.contains(#"optralis_agent_posts_total{collector="metrics",outcome="retry"} 1"#))
        #expect(exposition.contains(#"optralis_agent_collect_failures_total{collector="storage_health"} 1"#))
        #expect(exposition.contains(#"optralis_agent_status_requests_total{path="/health",status="200"} 1"#))
        #expect(exposition.contains("optralis_agent_last_delivery_timestamp_seconds ") && exposition.contains("process_resident_memory_bytes "))

        #expect(try await http.send(OutboundRequest(url: base + "/spool")).status == 404)
        #expect(try await http.send(OutboundRequest(method: .post, url: base + "/health", body: [])).status == 405)

        server.stop()
        let refused = await eventually(timeout: .seconds(3)) { (try? await http.send(OutboundRequest(url: base + "/health", timeout: .seconds(1)))) == nil }
        #expect(refused, "the port closes once stopped")
    }

    @Test func a_port_in_use_is_reported_when_the_server_is_made() throws {
        let port = try freePort()
        let routes = AgentStatusRoutes(metrics: AgentMetrics())
        let first = try StatusServer(host: "127.0.0.1", port: port, logger: Logger(label: "test")) { routes.respond(method: $0, path: $1) }
        #expect(throws: StatusServer.BindFailed.self) {
            try StatusServer(host: "127.0.0.1", port: port, logger: Logger(label: "test")) { routes.respond(method: $0, path: $1) }
        }
        withExtendedLifetime(first) {}
    }
}
