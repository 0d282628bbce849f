import OptralisTestSupport
import Testing

@Suite("optralis-ai executable")
struct AIExecutableTests {
    @Test func starts_answers_health_and_metrics_and_stops_on_sigterm() async throws {
        let database = try await TestDatabase.create()
        try await ServiceLifecycleCheck.run(
            binary: "optralis-ai", service: "ai", portVariable: "AI_PORT",
            environment: try ServiceLifecycleCheck.serverEnvironment(database: database), expectedChecks: ["postgres", "redis"])
        try await database.drop()
    }

    @Test func refuses_to_start_without_its_required_configuration() async throws {
        let result = try await ChildProcess.run(
            TestEnvironment.binaryDirectory.appendingPathComponent("optralis-ai").path, [], environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 78)
        #expect(result.output.contains("DATABASE_URL"), "\(result.output)")
    }
}
