import Foundation
import Logging
@testable import OptralisScheduler
import OptralisRedis
import OptralisTestSupport
import Synchronization
import Testing

@Suite("Job runner: one replica at a time, takeover after a crash")
struct JobRunnerTests {
    final class Runs: Sendable {
        let intervals = Mutex<[(replica: String, occurrence: Date?, start: Date, end: Date)]>([])
        let starts = Mutex<[String]>([])
    }

    func runner(_ replica: String, _ jobs: [ScheduledJob], _ redis: RedisClient) -> JobRunner {
        var logger = Logger(label: "runner-test")
        logger.logLevel = .critical
        var runner = JobRunner(jobs: jobs, redis: redis, replicaID: replica, logger: logger)
        runner.pollInterval = .milliseconds(100)
        return runner
    }

    @Test func two_replicas_never_run_a_job_at_the_same_time_and_each_occurrence_runs_once() async throws {
        let redis = RedisClient(url: try TestEnvironment.redisURL, maximumConnections: 8, logger: testLogger)
        let name = "test-job-\(UUID().uuidString.prefix(8))"
        let runs = Runs()
        func job(_ replica: String) -> ScheduledJob {
            ScheduledJob(name: name, schedule: try! Schedule("@every 1s"), lockTTL: .seconds(3)) {
                let start = Date()
                try await Task.sleep(for: .milliseconds(400))
                runs.intervals.withLock { $0.append((replica, JobRunner.occurrence, start, Date())) }
                return [:]
            }
        }
        let first = Task { try await runner("a", [job("a")], redis).run() }
        let second = Task { try await runner("b", [job("b")], redis).run() }
        // Waits for four runs rather than counting in a fixed window, so a loaded CI machine slows
        // the test down instead of failing it.
        let began = Date()
        while runs.intervals.withLock({ $0.count }) < 4, Date().timeIntervalSince(began) < 30 {
            try await Task.sleep(for: .milliseconds(100))
        }
        first.cancel()
        second.cancel()
        let elapsed = Date().timeIntervalSince(began)
        let intervals = runs.intervals.withLock { $0 }.sorted { $0.start < $1.start }
        #expect(intervals.count >= 4, "\(intervals.count) runs in \(elapsed) s of a once-a-second job")
        #expect(Double(intervals.count) <= elapsed + 1, "more runs (\(intervals.count)) than occurrences in \(elapsed) s")
        for (earlier, later) in zip(intervals, intervals.dropFirst()) {
            #expect(later.start >= earlier.end, "runs overlapped: \(earlier) and \(later)")
        }
        let occurrences = intervals.compactMap(\.occurrence)
        #expect(occurrences.count == intervals.count, "every run knows the occurrence it serves")
        #expect(Set(occurrences).count == occurrences.count, "an occurrence ran twice: \(occurrences)")
        await redis.shutdown()
    }

    @Test func when_the_holder_crashes_its_lock_expires_and_another_replica_takes_the_occurrence_over() async throws {
        let redis = RedisClient(url: try TestEnvironment.redisURL, maximumConnections: 8, logger: testLogger)
        let name = "test-job-\(UUID().uuidString.prefix(8))"
        let runs = Runs()
        let crashing = ScheduledJob(name: name, schedule: try! Schedule("@every 1h"), lockTTL: .seconds(2)) {
            runs.starts.withLock { $0.append("crasher") }
            try await Task.sleep(for: .seconds(60))
            return [:]
        }
        let healthy = ScheduledJob(name: name, schedule: try! Schedule("@every 1h"), lockTTL: .seconds(2)) {
            runs.starts.withLock { $0.append("survivor") }
            return ["done": 1]
        }
        // A due occurrence: the last recorded one is two hours old.
        try await redis.set(JobRunner.lastKey(name), String(Date().addingTimeInterval(-7200).timeIntervalSince1970))
        let crasher = Task { try await runner("crasher", [crashing], redis).run() }
        let started = await eventually(timeout: .seconds(5)) { runs.starts.withLock { $0 } == ["crasher"] }
        #expect(started)
        crasher.cancel() // dies mid-run: the lock is neither released nor renewed any more
        let survivor = Task { try await runner("survivor", [healthy], redis).run() }
        let clock = ContinuousClock()
        let before = clock.now
        let tookOver = await eventually(timeout: .seconds(10)) { runs.starts.withLock { $0.contains("survivor") } }
        #expect(tookOver, "the survivor never ran the job")
        #expect(clock.now - before >= .seconds(1), "the survivor waited for the dead holder's lock to expire")
        let recorded = try await redis.get(JobRunner.lastKey(name)).flatMap(Double.init)
        #expect(recorded.map { Date(timeIntervalSince1970: $0) > Date().addingTimeInterval(-3700) } == true, "the occurrence is recorded as done")
        survivor.cancel()
        await redis.shutdown()
    }
}
