import Foundation
import Logging
import Metrics
import OptralisRedis
import ServiceLifecycle

/// What handling one job came to.
enum JobOutcome: Sendable, Equatable {
    case delivered
    /// A failure worth another try (timeout, 5xx, 429); `after` overrides the backoff (`Retry-After`).
    case retry(error: String, after: Duration?)
    /// A failure no retry will fix (unknown channel, malformed job): dead-lettered at once.
    case failed(error: String)
}

/// Turns one job into a delivery. `attempt` is 1 for the first try.
protocol JobHandler: Sendable {
    func handle(_ job: JobEnvelope, attempt: Int) async -> JobOutcome
    /// Called once a job is out of retries or failed for good (to record it).
    func buried(_ job: JobEnvelope, error: String, attempts: Int) async
}

/// Consumes one ``ReliableQueue`` with `concurrency` workers, at least once and without loss:
/// a job stays in this consumer's processing list until it is acknowledged, scheduled for a
/// retry (exponential backoff, `maximumRetries` as the spec says) or dead-lettered. A heartbeat
/// marks the consumer alive; every consumer regularly gives back the jobs of dead ones and
/// promotes due retries. On graceful shutdown the workers take no new job and give the job in
/// hand `shutdownGrace` to finish; past it the delivery is cancelled (a hung webhook would
/// otherwise hold the process for its whole timeout, and `docker stop` kills after 10 s) and the
/// job goes back to the queue unchanged, for the next replica or the next start.
struct QueueConsumer: Service {
    let queue: ReliableQueue
    let consumerID: String
    let concurrency: Int
    let handler: any JobHandler
    let logger: Logger
    var maximumRetries = 3
    var baseBackoff: Duration = .seconds(2)
    var heartbeatSeconds = 15
    var shutdownGrace: Duration = .seconds(4)

    func run() async throws {
        try? await queue.beat(consumer: consumerID, ttlSeconds: heartbeatSeconds)
        if let released = try? await queue.releaseAll(consumer: consumerID), released > 0 {
            logger.notice("gave back the jobs this consumer's name held before a restart", metadata: ["queue": "\(queue.name)", "jobs": "\(released)"])
        }
        if let recovered = try? await queue.recoverAbandoned(except: consumerID), recovered > 0 {
            logger.notice("recovered jobs of dead consumers", metadata: ["queue": "\(queue.name)", "jobs": "\(recovered)"])
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await maintain() }
            for worker in 0..<concurrency {
                group.addTask { await work(worker) }
            }
            // The workers end on graceful shutdown; then stop the maintenance loop.
            for _ in 0..<concurrency { await group.next() }
            group.cancelAll()
        }
        try? await queue.stopBeating(consumer: consumerID)
        logger.info("consumer stopped", metadata: ["queue": "\(queue.name)"])
    }

    /// Heartbeat, due retries and dead consumers' jobs, every few seconds.
    private func maintain() async {
        var tick = 0
        while !Task.isCancelled {
            do {
                try await queue.beat(consumer: consumerID, ttlSeconds: heartbeatSeconds)
                try await queue.promoteDueRetries()
                if tick % 4 == 0 {
                    let recovered = try await queue.recoverAbandoned(except: consumerID)
                    if recovered > 0 { logger.notice("recovered jobs of dead consumers", metadata: ["queue": "\(queue.name)", "jobs": "\(recovered)"]) }
                    let counts = try await queue.counts()
                    Gauge(label: "notifier_queue_pending", dimensions: [("queue", queue.name)]).record(counts.pending)
                    Gauge(label: "notifier_queue_delayed", dimensions: [("queue", queue.name)]).record(counts.delayed)
                    Gauge(label: "notifier_queue_dead_letter", dimensions: [("queue", queue.name)]).record(counts.dead)
                }
            } catch {
                logger.warning("queue maintenance failed", metadata: ["queue": "\(queue.name)", "error": "\(error)"])
            }
            tick += 1
            try? await Task.sleep(for: .milliseconds(500))
        }
    }

    private func work(_ worker: Int) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let payload: String
            do {
                guard let taken = try await queue.take(consumer: consumerID, timeoutSeconds: 1) else { continue }
                payload = taken
            } catch {
                logger.warning("cannot take a job, retrying", metadata: ["queue": "\(queue.name)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            await process(payload)
        }
    }

    private func process(_ payload: String) async {
        guard let job = JobEnvelope(payload: payload) else {
            logger.error("malformed job dead-lettered", metadata: ["queue": "\(queue.name)"])
            await persist { try await queue.bury(payload, as: payload, consumer: consumerID) }
            count("malformed")
            return
        }
        if (try? await queue.wasDelivered(jobID: job.id)) == true {
            // Recovered from a consumer that died after delivering it: do not send twice.
            await persist { try await queue.acknowledge(payload, jobID: job.id, consumer: consumerID) }
            count("duplicate_skipped")
            return
        }
        let attempt = job.retries + 1
        guard let outcome = await handleWithinShutdownGrace(job, attempt: attempt) else {
            logger.notice("delivery interrupted by the shutdown, job given back", metadata: ["queue": "\(queue.name)", "job_id": "\(job.id)"])
            await persist { try await queue.release(payload, consumer: consumerID) }
            count("interrupted")
            return
        }
        switch outcome {
        case .delivered:
            await persist { try await queue.acknowledge(payload, jobID: job.id, consumer: consumerID) }
            count("delivered")
        case .retry(let error, let after) where job.retries < maximumRetries:
            let delay = after ?? baseBackoff * (1 << job.retries)
            let next = job.nextAttempt(error: error)
            logger.warning(
                "delivery failed, retrying", metadata: ["queue": "\(queue.name)", "job_id": "\(job.id)", "attempt": "\(attempt)", "error": "\(error)"])
            await persist { try await queue.retry(payload, as: next, dueAt: Date().addingTimeInterval(delay.seconds), consumer: consumerID) }
            count("retried")
        case .retry(let error, _), .failed(let error):
            logger.error(
                "delivery failed for good", metadata: ["queue": "\(queue.name)", "job_id": "\(job.id)", "attempts": "\(attempt)", "error": "\(error)"])
            await handler.buried(job, error: error, attempts: attempt)
            await persist { try await queue.bury(payload, as: job.buried(error: error), consumer: consumerID) }
            count("dead_letter")
        }
    }

    /// The handler's outcome, or nil when a graceful shutdown's grace ran out first and the
    /// delivery was cancelled without completing (a delivery that completed is kept as such).
    private func handleWithinShutdownGrace(_ job: JobEnvelope, attempt: Int) async -> JobOutcome? {
        await withTaskGroup(of: JobOutcome?.self) { group in
            group.addTask { await handler.handle(job, attempt: attempt) }
            group.addTask { [shutdownGrace] in
                // Returns once the grace after a shutdown has passed, or at once when cancelled.
                do {
                    try await gracefulShutdown()
                    try await Task.sleep(for: shutdownGrace)
                } catch {}
                return nil
            }
            var interrupted = false
            while let next = await group.next() {
                guard let outcome = next else {
                    interrupted = true
                    group.cancelAll()
                    continue
                }
                group.cancelAll()
                return interrupted && outcome != .delivered ? nil : outcome
            }
            return nil
        }
    }

    /// Queue bookkeeping must not be lost to a Redis blip: retried until it lands or shutdown.
    private func persist(_ operation: () async throws -> Void) async {
        for attempt in 0..<60 {
            do {
                try await operation()
                return
            } catch {
                if attempt == 0 { logger.warning("queue update failed, retrying", metadata: ["error": "\(error)"]) }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        logger.error("queue update abandoned: the job stays in the processing list and will be recovered")
    }

    private func count(_ outcome: String) {
        Counter(label: "notifier_jobs_total", dimensions: [("queue", queue.name), ("outcome", outcome)]).increment()
    }
}

extension Duration {
    var seconds: TimeInterval { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
