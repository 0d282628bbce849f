import Foundation
import OptralisCore
import OptralisCurl
import OptralisTestSupport
import Testing

@Suite("optralis-ai executable")
struct AIExecutableTests {
    @Test func starts_answers_health_and_metrics_and_stops_on_sigterm() async throws {
        let database = try await TestDatabase.create()
        var environment = try ServiceLifecycleCheck.serverEnvironment(database: database)
        environment["ANTHROPIC_API_KEY"] = "sk-ant-test-key"
        try await ServiceLifecycleCheck.run(
            binary: "optralis-ai", service: "ai", portVariable: "AI_PORT",
            environment: environment, expectedChecks: ["postgres", "redis", "claude"])
        try await database.drop()
    }

    @Test func health_says_the_claude_client_is_not_configured_without_a_key() async throws {
        let database = try await TestDatabase.create()
        let port = try freePort()
        var environment = try ServiceLifecycleCheck.serverEnvironment(database: database)
        environment["AI_PORT"] = String(port)
        let process = try ServiceProcess.launch("optralis-ai", environment: environment, port: port)
        let http = CurlClient(concurrency: 1)
        let health = await process.waitUntilServing(client: http)
        process.child.signal(SIGTERM)
        _ = await process.child.waitForExit(timeout: .seconds(5))
        await http.shutdown()
        try await database.drop()

        let body = try #require(health, "optralis-ai never answered /health:\n\(process.child.output)").body
        let report = try JSONDecoder().decode(HealthReport.self, from: Data(body))
        #expect(report.checks["claude"] == DependencyHealth(status: .disabled, required: false))
        #expect(report.status == .ok, "statistics work without Claude: the service is not degraded")
    }

    @Test func refuses_to_start_without_its_required_configuration() async throws {
        let result = try await ChildProcess.run(
            TestEnvironment.binaryDirectory.appendingPathComponent("optralis-ai").path, [], environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 78)
        #expect(result.output.contains("DATABASE_URL"), "\(result.output)")
    }

    @Test func refuses_to_start_on_an_invalid_ai_variable_and_names_it() async throws {
        let database = try await TestDatabase.create()
        var environment = try ServiceLifecycleCheck.serverEnvironment(database: database)
        environment["AI_MAX_TOKENS"] = "lots"
        environment["AI_DEFAULT_LANGUAGE"] = "de"
        let result = try await ChildProcess.run(
            TestEnvironment.binaryDirectory.appendingPathComponent("optralis-ai").path, [], environment: environment)
        try await database.drop()
        #expect(result.status == 78)
        #expect(result.output.contains("AI_MAX_TOKENS") && result.output.contains("AI_DEFAULT_LANGUAGE"), "\(result.output)")
    }
}
