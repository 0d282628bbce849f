import Foundation
import Logging
import Metrics
import OptralisCore
import PostgresNIO

/// Group commit for `POST /agent/collect`: posts that arrive while a batch is being written wait
/// and go together into the next one (one transaction, one statement per table), and each post
/// is answered only once its batch has committed. Idle, a post is written at once, alone; under
/// load, batches grow by themselves, up to ``maximumBatch``.
///
/// One batch is written at a time per replica, so batches of one replica never wait on each
/// other's row locks. A batch that fails as a whole (a deadlock with another replica, a machine
/// deleted meanwhile) is retried post by post, so one bad post cannot fail its neighbours.
actor CollectCommitter {
    /// One request's posts (one, or a batch post's), written in the same transaction.
    private struct Waiting {
        let id: Int
        let items: [CollectItem]
    }

    let writer: CollectWriter
    let maximumBatch: Int
    private let logger: Logger
    private var waiting: [Waiting] = []
    /// The posts not answered yet, queued or in the batch being written.
    private var answers: [Int: CheckedContinuation<[Bool], any Error>] = [:]
    private var nextID = 0
    private var writing = false

    init(writer: CollectWriter, maximumBatch: Int = 1_000, logger: Logger) {
        self.writer = writer
        self.maximumBatch = maximumBatch
        self.logger = logger
    }

    /// Stores the post; true when stored, false when it repeats a sequence already stored.
    func submit(_ item: CollectItem) async throws -> Bool {
        try await submit([item])[0]
    }

    /// Stores the posts together; for each, whether it was stored.
    func submit(_ items: [CollectItem]) async throws -> [Bool] {
        let id = nextID
        nextID += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                answers[id] = continuation
                waiting.append(Waiting(id: id, items: items))
                if !writing {
                    writing = true
                    Task { await drain() }
                }
            }
        } onCancel: {
            Task { await self.abandon(id) }
        }
    }

    /// A post whose request was cancelled (PostgreSQL down: ``DependencyOutageMiddleware``) is
    /// answered at once and leaves the queue. If its batch is already being written it may
    /// still be stored; the agent's retry of the same sequence is then a repeat.
    private func abandon(_ id: Int) {
        waiting.removeAll { $0.id == id }
        answers.removeValue(forKey: id)?.resume(throwing: CancellationError())
    }

    private func answer(_ id: Int, _ result: Result<[Bool], any Error>) {
        answers.removeValue(forKey: id)?.resume(with: result)
    }

    private func drain() async {
        while !waiting.isEmpty {
            var (requests, posts) = (0, 0)
            for next in waiting {
                if requests > 0 && posts + next.items.count > maximumBatch { break }
                (requests, posts) = (requests + 1, posts + next.items.count)
            }
            let batch = Array(waiting.prefix(requests))
            waiting.removeFirst(requests)
            let started = ContinuousClock.now
            await write(batch)
            Timer(label: "api_agent_collect_write_duration").recordNanoseconds((ContinuousClock.now - started).nanoseconds)
            Counter(label: "api_agent_collect_batches_total").increment()
            Recorder(label: "api_agent_collect_batch_size").record(posts)
        }
        writing = false
    }

    private func write(_ batch: [Waiting]) async {
        do {
            var stored = try await writer.write(batch.flatMap(\.items))[...]
            for entry in batch {
                answer(entry.id, .success(Array(stored.prefix(entry.items.count))))
                stored = stored.dropFirst(entry.items.count)
            }
        } catch {
            guard batch.count > 1 else { return answer(batch[0].id, .failure(Self.clientError(error))) }
            logger.warning(
                "collect batch failed, writing its requests one by one", metadata: ["requests": "\(batch.count)", "error": "\(String(reflecting: error))"])
            for entry in batch where answers[entry.id] != nil {
                do {
                    answer(entry.id, .success(try await writer.write(entry.items)))
                } catch {
                    answer(entry.id, .failure(Self.clientError(error)))
                }
            }
        }
    }

    /// A post for a machine deleted since its certificate was checked is a 404, not a 500.
    private static func clientError(_ error: any Error) -> any Error {
        if let error = error as? PSQLError, error.serverInfo?[.sqlState] == "23503" {
            return APIError.machineGone
        }
        return error
    }
}
