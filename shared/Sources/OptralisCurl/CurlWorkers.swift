import Dispatch
import OptralisCore
import Synchronization

/// A fixed set of threads of our own for blocking libcurl calls, so `curl_easy_perform` never
/// blocks the cooperative executor or an event loop. Each thread keeps its own ``CurlWorker``
/// (and with it its easy handle and kept-alive connection) for as long as it lives.
final class CurlWorkers: Sendable {
    typealias Job = @Sendable (CurlWorker) -> Void

    private struct Queue {
        var jobs: [Job] = []
        var head = 0
        var closed = false

        mutating func take() -> Job? {
            guard head < jobs.count else { return nil }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            return job
        }
    }

    private let queue = Mutex(Queue())
    /// Raised by ``closeConnections()``; a worker whose handle is older drops it before its next job.
    private let generation = Atomic<Int>(0)
    /// One signal per queued job, and one per thread when closing.
    private let available = DispatchSemaphore(value: 0)
    private let count: Int

    init(count: Int) {
        self.count = max(1, count)
        for _ in 0..<self.count {
            do {
                try DetachedThread.start { [self] in work() }
            } catch {
                fatalError("\(error)")
            }
        }
    }

    /// Runs `body` on one of the threads with that thread's worker; throws ``CurlError`` when
    /// the client has been shut down.
    func run<T: Sendable>(_ body: @escaping @Sendable (CurlWorker) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = queue.withLock { queue -> Bool in
                guard !queue.closed else { return false }
                queue.jobs.append { worker in continuation.resume(with: Result { try body(worker) }) }
                return true
            }
            if accepted {
                available.signal()
            } else {
                continuation.resume(throwing: CurlError(code: -1, message: "the HTTP client is shut down"))
            }
        }
    }

    /// Every thread drops its handle, and with it its kept-alive connections, before its next job.
    func closeConnections() {
        generation.add(1, ordering: .relaxed)
    }

    /// Lets the jobs already queued finish, then ends the threads.
    func shutdown() {
        let wasOpen = queue.withLock { queue in
            defer { queue.closed = true }
            return !queue.closed
        }
        guard wasOpen else { return }
        for _ in 0..<count { available.signal() }
    }

    private func work() {
        let worker = CurlWorker()
        while true {
            available.wait()
            let next = queue.withLock { queue -> (job: Job?, closed: Bool) in (queue.take(), queue.closed) }
            if let job = next.job {
                worker.dropHandle(unlessOf: generation.load(ordering: .relaxed))
                job(worker)
            } else if next.closed {
                return
            }
        }
    }
}

/// What one worker thread keeps between transfers; never leaves its thread.
final class CurlWorker {
    private var easy: CurlEasy?
    private var generation = 0

    func dropHandle(unlessOf current: Int) {
        guard current != generation else { return }
        easy = nil
        generation = current
    }

    /// This thread's handle for HTTP, reset for a new transfer. Its connection cache survives
    /// `curl_easy_reset`, so consecutive requests to one server reuse the kept-alive connection
    /// (and its TLS session) instead of a new handshake each time. libcurl reuses a connection
    /// only when the new request's TLS settings (client certificate included) match.
    func reusableEasy() throws(CurlError) -> CurlEasy {
        if let easy {
            try easy.resetForReuse()
            return easy
        }
        let created = try CurlEasy()
        easy = created
        return created
    }
}
