import Foundation
import OptralisCurl
@testable import OptralisScheduler
import OptralisTestSupport
import Testing

@Suite("optralis-scheduler executable")
struct SchedulerExecutableTests {
    @Test func starts_answers_health_and_metrics_and_stops_on_sigterm() async throws {
        let database = try await TestDatabase.create()
        try await ServiceLifecycleCheck.run(
            binary: "optralis-scheduler", service: "scheduler", portVariable: "SCHEDULER_PORT",
            environment: try ServiceLifecycleCheck.serverEnvironment(database: database), expectedChecks: ["postgres", "redis"])
        try await database.drop()
    }

    @Test func refuses_to_start_without_its_required_configuration() async throws {
        let result = try await ChildProcess.run(
            TestEnvironment.binaryDirectory.appendingPathComponent("optralis-scheduler").path, [], environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 78)
        #expect(result.output.contains("DATABASE_URL"), "\(result.output)")
    }

    @Test func two_processes_share_the_jobs_and_the_survivor_carries_on_after_a_sigkill() async throws {
        let database = try await TestDatabase.create()
        let redis = try RedisServerProcess()
        try await redis.start()
        var environment = try ServiceLifecycleCheck.serverEnvironment(database: database)
        environment["REDIS_URL"] = redis.url
        environment["SCHEDULER_SCHEDULES"] = "machine-alerts=@every 1s"
        environment["OPTRALIS_MIGRATIONS_DIR"] = TestEnvironment.migrationsDirectory
        let binary = TestEnvironment.binaryDirectory.appendingPathComponent("optralis-scheduler").path
        func launch(_ name: String) throws -> ChildProcess {
            try ChildProcess(executable: binary, environment: environment.merging(["SCHEDULER_ID": name, "SCHEDULER_PORT": String(try freePort())]) { $1 })
        }
        /// (occurrence, replica) of every machine-alerts run in the processes' logs.
        func runs(_ processes: [ChildProcess]) -> [(String, String)] {
            processes.flatMap { $0.output.split(separator: "\n") }.filter { $0.contains(#"msg="job finished""#) && $0.contains("job=machine-alerts") }
                .compactMap { line in
                    guard let occurrence = line.firstMatch(of: /occurrence=(\S+)/)?.1, let replica = line.firstMatch(of: /replica=(\S+)/)?.1 else { return nil }
                    return (String(occurrence), String(replica))
                }
        }
        let first = try launch("replica-a"), second = try launch("replica-b")
        let shared = await eventually(timeout: .seconds(30)) { Set(runs([first, second]).map(\.1)).count == 2 && runs([first, second]).count >= 6 }
        let together = runs([first, second])
        #expect(shared, "both replicas run the job in turn: \(together)")
        #expect(Set(together.map(\.0)).count == together.count, "an occurrence ran twice: \(together)")

        first.signal(SIGKILL)
        _ = await first.waitForExit(timeout: .seconds(5))
        let before = runs([second]).count
        // A run cut short by the kill leaves its lock for its TTL (60 s); then the survivor takes over.
        let carriedOn = await eventually(timeout: .seconds(75)) { runs([second]).count >= before + 3 }
        #expect(carriedOn, "the survivor kept running the job: \(second.output.suffix(800))")
        let all = runs([first, second])
        #expect(Set(all.map(\.0)).count == all.count, "an occurrence ran twice: \(all)")
        let http = CurlClient(concurrency: 1)
        let server = SchedulerServer(configuration: try SchedulerConfiguration(environment: environment), logger: testLogger)
        #expect(server.jobs(http: http).map(\.name) == SchedulerServer.jobNames, "the list SCHEDULER_SCHEDULES is checked against")
        await http.shutdown()

        second.signal(SIGTERM)
        _ = await second.waitForExit(timeout: .seconds(5))
        await redis.stop()
        try await database.drop()
    }

    @Test func a_schedule_override_for_an_unknown_job_or_a_bad_expression_is_refused() async throws {
        for (value, expected) in [("backups=@every 1m", "must be job=expression"), ("retention=61 * * * *", "retention:")] {
            let result = try await ChildProcess.run(
                TestEnvironment.binaryDirectory.appendingPathComponent("optralis-scheduler").path, [],
                environment: ["PATH": "/usr/bin:/bin", "SCHEDULER_SCHEDULES": value])
            #expect(result.status == 78 && result.output.contains("SCHEDULER_SCHEDULES") && result.output.contains(expected), "\(result.output)")
        }
    }
}
