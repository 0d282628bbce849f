import Foundation
import OptralisCore
import OptralisCurl
import Testing

/// What every executable must do, checked on the real binary: start with the environment an
/// operator would give it, answer `/health` (200, JSON, every dependency up) and `/metrics`
/// (Prometheus text with its build info and `requestMetric`, the requests it served), then exit
/// 0 within 5 s of SIGTERM. Hummingbird servers count requests in `hb_requests_total`; the agent's
/// own status server in `optralis_agent_status_requests_total`.
public enum ServiceLifecycleCheck {
    public static func run(
        binary: String, service: String, portVariable: String, environment: [String: String], expectedChecks: [String],
        requestMetric: String = "hb_requests_total"
    ) async throws {
        let port = try freePort()
        var variables = environment
        variables[portVariable] = String(port)
        let process = try ServiceProcess.launch(binary, environment: variables, port: port)
        let http = CurlClient(concurrency: 2)
        defer { Task { await http.shutdown() } }

        let health = await process.waitUntilServing(client: http)
        try #require(health != nil, "\(binary) never answered /health:\n\(process.child.output)")
        #expect(health?.status == 200, "\(health?.bodyText ?? "")")
        #expect(health?.header("Content-Type")?.hasPrefix("application/json") == true)
        let report = try JSONDecoder().decode(HealthReport.self, from: Data(health!.body))
        #expect(report.service == service)
        #expect(report.status == .ok)
        #expect(Set(report.checks.keys) == Set(expectedChecks))
        for (name, check) in report.checks {
            #expect(check.status == .up, "\(name) is \(check.status): \(check.error ?? "")")
        }

        // Hummingbird counts a request once its body is written, which can be after the client
        // has read it: the /health request may reach the counters a moment after /metrics is asked.
        var metrics = try await http.send(OutboundRequest(url: "http://127.0.0.1:\(port)/metrics"))
        _ = await eventually(timeout: .seconds(5)) {
            if metrics.bodyText.contains("hb_requests_total") { return true }
            if let again = try? await http.send(OutboundRequest(url: "http://127.0.0.1:\(port)/metrics")) { metrics = again }
            return metrics.bodyText.contains("hb_requests_total")
        }
        #expect(metrics.status == 200)
        #expect(metrics.bodyText.contains("optralis_build_info{service=\"\(service)\""), "\(metrics.bodyText.prefix(500))")
        // Hummingbird counts a request once its body is written, which can be after the client
        // has read it: a loaded machine may need another look.
        let counted = await eventually(timeout: .seconds(5)) {
            (try? await http.send(OutboundRequest(url: "http://127.0.0.1:\(port)/metrics")))?.bodyText.contains(requestMetric) == true
        }
        #expect(counted, "request metrics are exported")

        process.child.signal(SIGTERM)
        let status = await process.child.waitForExit(timeout: .seconds(5))
        #expect(status == 0, "\(binary) must exit 0 within 5 s of SIGTERM:\n\(process.child.output.suffix(2000))")
        if status == nil { process.child.signal(SIGKILL) }

        let lines = process.child.output.split(separator: "\n")
        #expect(
            lines.contains { $0.contains("service=\(service)") && $0.contains("request_id=") && $0.contains("path=/metrics") } == false,
            "health and metrics probes are logged at debug level, not info")
        #expect(lines.allSatisfy { !$0.hasPrefix("ts=") || $0.contains(" service=\(service) ") }, "every log line carries service=\(service)")
    }

    /// The environment every server-side service accepts: the test PostgreSQL (a database of
    /// its own) and Redis, and freshly made secrets.
    public static func serverEnvironment(database: TestDatabase) throws -> [String: String] {
        [
            "DATABASE_URL": database.url.urlString,
            "REDIS_URL": try TestEnvironment.variable("OPTRALIS_TEST_REDIS_URL"),
            "JWT_SECRET": String(repeating: "j", count: 40),
            "DATABASE_CREDENTIALS_KEY": String(repeating: "5e", count: 32),
            "INTERNAL_SERVICE_TOKEN": String(repeating: "i", count: 40),
            "LOG_LEVEL": "info",
        ]
    }
}
