import OptralisTestSupport
import Testing

@Suite("optralis-notifier executable")
struct NotifierExecutableTests {
    @Test func starts_answers_health_and_metrics_and_stops_on_sigterm() async throws {
        // A Redis of its own: a notifier on the shared test Redis would consume other suites' jobs.
        let redis = try RedisServerProcess()
        try await redis.start()
        let database = try await TestDatabase.create()
        var environment = try ServiceLifecycleCheck.serverEnvironment(database: database)
        environment["REDIS_URL"] = redis.url
        try await ServiceLifecycleCheck.run(
            binary: "optralis-notifier", service: "notifier", portVariable: "NOTIFIER_PORT",
            environment: environment, expectedChecks: ["postgres", "redis", "email:queue", "notification:queue"])
        try await database.drop()
        await redis.stop()
    }

    @Test func refuses_to_start_without_its_required_configuration() async throws {
        let result = try await ChildProcess.run(
            TestEnvironment.binaryDirectory.appendingPathComponent("optralis-notifier").path, [], environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 78)
        #expect(result.output.contains("DATABASE_URL"), "\(result.output)")
    }
}
