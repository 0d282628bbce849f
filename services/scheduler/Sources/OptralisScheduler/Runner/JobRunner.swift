import Foundation
import Logging
import Metrics
import OptralisRedis
import ServiceLifecycle

/// Runs scheduled jobs so that each occurrence runs once across every replica:
/// - a Redis lock per job (`scheduler:lock:<job>`, SET NX PX, renewed while the job runs) keeps
///   two replicas from running a job at the same time; a crashed holder's lock expires and
///   another replica takes the occurrence over;
/// - `scheduler:last:<job>` records the last occurrence done, so a replica that got the lock
///   after another finished skips it, and runs missed during downtime are caught up once.
struct JobRunner: Service {
    let jobs: [ScheduledJob]
    let redis: RedisClient
    let replicaID: String
    let logger: Logger
    var pollInterval: Duration = .seconds(1)

    /// The occurrence the running job serves (set around `job.run()`): the time it was due, not
    /// the time it started, which may be later on a busy or recovering replica.
    @TaskLocal static var occurrence: Date?

    static func lockKey(_ job: String) -> String { "scheduler:lock:\(job)" }
    static func lastKey(_ job: String) -> String { "scheduler:last:\(job)" }

    func run() async throws {
        let started = Date()
        await withTaskGroup(of: Void.self) { group in
            for job in jobs {
                group.addTask { await loop(job, started: started) }
            }
        }
    }

    private func loop(_ job: ScheduledJob, started: Date) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let last = try await lastOccurrence(job)
                let now = Date()
                guard let due = job.schedule.next(after: last ?? started) else { return }
                if due > now {
                    // Short naps, so graceful shutdown is noticed within a second.
                    try await Task.sleep(for: min(.seconds(due.timeIntervalSince(now)), .seconds(1)))
                    continue
                }
                // Missed occurrences collapse into the latest one that is due.
                var occurrence = due
                while let following = job.schedule.next(after: occurrence), following <= now { occurrence = following }
                try await attempt(job, occurrence: occurrence)
            } catch is CancellationError {
                return
            } catch {
                logger.warning("scheduler loop error", metadata: ["job": "\(job.name)", "error": "\(error)"])
                try? await Task.sleep(for: pollInterval)
            }
        }
    }

    private func lastOccurrence(_ job: ScheduledJob) async throws -> Date? {
        try await redis.get(Self.lastKey(job.name)).flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
    }

    private func attempt(_ job: ScheduledJob, occurrence: Date) async throws {
        let token = "\(replicaID):\(UUID().uuidString)"
        guard try await redis.setIfAbsent(Self.lockKey(job.name), token, expireMilliseconds: Int(job.lockTTL.components.seconds * 1000)) else {
            // Another replica runs it; look again shortly (it records the occurrence when done,
            // or its lock expires if it dies).
            try await Task.sleep(for: pollInterval)
            return
        }
        if let last = try await lastOccurrence(job), last >= occurrence {
            try await redis.deleteIfEqual(Self.lockKey(job.name), token)
            return
        }
        let renewal = Task { await renew(job, token: token) }
        let clock = ContinuousClock()
        let start = clock.now
        var outcome = "success"
        var counts: [String: Int] = [:]
        do {
            counts = try await Self.$occurrence.withValue(occurrence) { try await job.run() }
        } catch {
            outcome = "failure"
            logger.error("job failed", metadata: ["job": "\(job.name)", "error": "\(String(reflecting: error))"])
        }
        renewal.cancel()
        if Task.isCancelled && !Task.isShuttingDownGracefully {
            return // torn down mid-run: the lock expires, another replica takes over
        }
        let duration = clock.now - start
        try await redis.set(Self.lastKey(job.name), String(occurrence.timeIntervalSince1970))
        try await redis.deleteIfEqual(Self.lockKey(job.name), token)
        var metadata: Logger.Metadata = [
            "job": "\(job.name)", "outcome": "\(outcome)", "duration_ms": "\(duration.milliseconds)", "replica": "\(replicaID)",
            "occurrence": "\(occurrence.formatted(.iso8601))",
        ]
        for (key, value) in counts { metadata[key] = "\(value)" }
        logger.info("job finished", metadata: metadata)
        Counter(label: "scheduler_job_runs_total", dimensions: [("job", job.name), ("outcome", outcome)]).increment()
        Timer(label: "scheduler_job_duration_seconds", dimensions: [("job", job.name)]).record(duration: duration)
        for (key, value) in counts {
            Counter(label: "scheduler_job_items_total", dimensions: [("job", job.name), ("item", key)]).increment(by: value)
        }
    }

    /// Extends the lock every third of its TTL while this replica still owns it.
    private func renew(_ job: ScheduledJob, token: String) async {
        let ttl = Int(job.lockTTL.components.seconds * 1000)
        let script = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end"
        while !Task.isCancelled {
            try? await Task.sleep(for: job.lockTTL / 3)
            if Task.isCancelled { return }
            _ = try? await redis.command(["EVAL", script, "1", Self.lockKey(job.name), token, String(ttl)])
        }
    }
}
