import Foundation
import OptralisCurl
import OptralisTestSupport
import Testing

@Suite("optralis-web executable")
struct WebExecutableTests {
    var binary: String { TestEnvironment.binaryDirectory.appendingPathComponent("optralis-web").path }

    @Test func starts_answers_health_and_metrics_and_stops_on_sigterm() async throws {
        try await ServiceLifecycleCheck.run(
            binary: "optralis-web", service: "web", portVariable: "WEB_PORT",
            environment: ["REDIS_URL": try TestEnvironment.variable("OPTRALIS_TEST_REDIS_URL"), "LOG_LEVEL": "info", "BIND_ADDRESS": "127.0.0.1"],
            expectedChecks: ["redis"])
    }

    @Test func its_metrics_pass_promtool() async throws {
        let port = try freePort()
        let process = try ServiceProcess.launch(
            "optralis-web",
            environment: ["REDIS_URL": try TestEnvironment.variable("OPTRALIS_TEST_REDIS_URL"), "WEB_PORT": String(port), "LOG_LEVEL": "warning"],
            port: port)
        let http = CurlClient(concurrency: 1)
        #expect(await process.waitUntilServing(client: http) != nil, "\(process.child.output.suffix(500))")
        _ = try await http.send(OutboundRequest(url: "http://127.0.0.1:\(port)/login"))
        let metrics = try await http.send(OutboundRequest(url: "http://127.0.0.1:\(port)/metrics")).bodyText
        await http.shutdown()
        process.child.signal(SIGTERM)
        _ = await process.child.waitForExit(timeout: .seconds(5))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("web-metrics-\(UUID().uuidString).txt")
        try Data(metrics.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try await ChildProcess.run("/bin/sh", ["-c", "promtool check metrics < \(file.path)"])
        #expect(status == 0 && output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool: \(output)")
    }

    @Test func refuses_to_start_without_redis_naming_it() async throws {
        let result = try await ChildProcess.run(binary, [], environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 78)
        #expect(result.output.contains("REDIS_URL is required"), "\(result.output)")
    }
}
