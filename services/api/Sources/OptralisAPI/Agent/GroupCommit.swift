import Logging
import Metrics

/// Group commit: requests that arrive while a batch is being written wait and go together into
/// the next one, and each is answered only once its batch is written. Idle, a request is written
/// at once, alone; under load, batches grow by themselves, up to ``maximumBatch`` (counted by
/// each request's `size`). The collect posts (``CollectCommitter``) and the heartbeats
/// (``BeatCommitter``) each have one.
///
/// One batch is written at a time per replica, so batches of one replica never wait on each
/// other's row locks. A batch that fails as a whole (a deadlock with another replica, a machine
/// deleted meanwhile) is written again request by request, so one bad request cannot fail its
/// neighbours.
///
/// Its metrics are named from `metrics`: `<metrics>_write_duration`, `<metrics>_batches_total`
/// and `<metrics>_batch_size` (none when nil: a test's would land in the process's `/metrics`).
actor GroupCommit<Request: Sendable, Answer: Sendable> {
    /// Writes the requests together; one answer per request, in order.
    typealias Write = @Sendable ([Request]) async throws -> [Answer]

    private struct Waiting {
        let id: Int
        let request: Request
    }

    /// The write returned fewer answers than it was given requests (a bug, not a client's fault).
    struct MissingAnswer: Error {}

    let maximumBatch: Int
    private let size: @Sendable (Request) -> Int
    private let writeBatch: Write
    private let labels: (duration: String, batches: String, sizes: String)?
    private let logger: Logger
    private var waiting: [Waiting] = []
    /// The requests not answered yet, queued or in the batch being written.
    private var answers: [Int: CheckedContinuation<Answer, any Error>] = [:]
    private var nextID = 0
    private var writing = false

    init(metrics: String?, maximumBatch: Int, size: @escaping @Sendable (Request) -> Int = { _ in 1 }, logger: Logger, write: @escaping Write) {
        self.maximumBatch = maximumBatch
        self.size = size
        self.writeBatch = write
        self.labels = metrics.map { ("\($0)_write_duration", "\($0)_batches_total", "\($0)_batch_size") }
        self.logger = logger
    }

    /// Writes the request with whatever else is waiting; its answer once written.
    func submit(_ request: Request) async throws -> Answer {
        let id = nextID
        nextID += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                answers[id] = continuation
                waiting.append(Waiting(id: id, request: request))
                if !writing {
                    writing = true
                    Task { await drain() }
                }
            }
        } onCancel: {
            Task { await self.abandon(id) }
        }
    }

    /// A request whose task was cancelled (PostgreSQL down: ``DependencyOutageMiddleware``) is
    /// answered at once and leaves the queue. If its batch is already being written it may
    /// still be written; the agent's retry is then a repeat.
    private func abandon(_ id: Int) {
        waiting.removeAll { $0.id == id }
        answers.removeValue(forKey: id)?.resume(throwing: CancellationError())
    }

    private func answer(_ id: Int, _ result: Result<Answer, any Error>) {
        answers.removeValue(forKey: id)?.resume(with: result)
    }

    private func drain() async {
        while !waiting.isEmpty {
            var (requests, units) = (0, 0)
            for next in waiting {
                let grown = units + size(next.request)
                if requests > 0 && grown > maximumBatch { break }
                (requests, units) = (requests + 1, grown)
            }
            let batch = Array(waiting.prefix(requests))
            waiting.removeFirst(requests)
            let started = ContinuousClock.now
            await write(batch)
            if let labels {
                Timer(label: labels.duration).recordNanoseconds((ContinuousClock.now - started).nanoseconds)
                Counter(label: labels.batches).increment()
                Recorder(label: labels.sizes).record(units)
            }
        }
        writing = false
    }

    private func write(_ batch: [Waiting]) async {
        do {
            let written = try await writeBatch(batch.map(\.request))
            for (index, entry) in batch.enumerated() {
                answer(entry.id, index < written.count ? .success(written[index]) : .failure(MissingAnswer()))
            }
        } catch {
            guard batch.count > 1 else { return answer(batch[0].id, .failure(error)) }
            logger.warning(
                "group commit failed, writing its requests one by one",
                metadata: ["group": "\(labels?.batches ?? "unnamed")", "requests": "\(batch.count)", "error": "\(String(reflecting: error))"])
            for entry in batch where answers[entry.id] != nil {
                do {
                    answer(entry.id, .success(try await writeBatch([entry.request])[0]))
                } catch {
                    answer(entry.id, .failure(error))
                }
            }
        }
    }
}
