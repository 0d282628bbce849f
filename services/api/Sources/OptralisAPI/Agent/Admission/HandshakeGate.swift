import Metrics
import NIOCore
import NIOTLS
import OptralisServer
import Synchronization

/// At most `limit` TLS handshakes in progress at once on the agents' port
/// (`AGENT_TLS_HANDSHAKE_LIMIT`). A connection accepted above it waits, unread, for a place for
/// at most `wait` (`AGENT_TLS_HANDSHAKE_WAIT_SECONDS`), first come first served; one that finds
/// `queueLimit` others waiting, or whose wait runs out, is closed before any cryptography and
/// counted in `api_agent_connections_refused_total`. The refused agent sees a connection closed
/// before any HTTP answer and retries within its reconnect window (``AgentRetryPolicy``).
///
/// Why a short wait rather than closing at once: a waiting connection costs a file descriptor and
/// no CPU (its ClientHello stays in the kernel's buffer until a place frees), whereas a refused
/// agent comes back anywhere within a whole window, so a gateway a little short of cores during
/// a reconnect storm turned a brief excess into a second storm (docs/ingestion.md, "Seventh
/// pass"). A handshake that has not completed `timeout` after it got its place is closed, so a
/// silent client cannot hold one.
final class HandshakeGate: Sendable {
    /// 0: no limit (and no handshake timeout: the gateway as it was before the gate).
    let limit: Int
    let timeout: TimeAmount
    /// How long a connection over the limit waits for a place; zero closes it at once.
    let wait: TimeAmount
    /// Connections waiting at once, at most.
    let queueLimit: Int
    private let state = Mutex(Places())
    private let refused: Counter
    private let waited: Counter
    /// Handshakes that had a place and ended before completing: the client gave up (an agent's
    /// connect timeout, 10 s, covers its wait and its handshake), a certificate TLS refused, or
    /// the gate's own timeout. Each is cryptography spent for nothing.
    private let failed: Counter
    /// The places taken and the connections waiting, recorded under the lock so that the last
    /// value recorded is the current one.
    private let inProgressGauge: Gauge
    private let waitingGauge: Gauge

    /// One connection waiting for a place. Its status changes only under the gate's lock.
    final class Waiter: Sendable {
        fileprivate enum Status: UInt8, AtomicRepresentable { case waiting, granted, abandoned }
        fileprivate let status = Atomic<Status>(.waiting)
        fileprivate let granted: @Sendable () -> Void

        fileprivate init(granted: @escaping @Sendable () -> Void) { self.granted = granted }
    }

    private struct Places {
        var inProgress = 0
        /// Oldest first; abandoned waiters stay until they reach the front or a compaction.
        var queue = CircularBuffer<Waiter>()
        var waiting = 0
    }

    enum Entry {
        case admitted
        case queued(Waiter)
        case refused
    }

    init(limit: Int, timeout: TimeAmount = .seconds(10), wait: TimeAmount = .seconds(8), queueLimit: Int? = nil) {
        self.limit = limit
        self.timeout = timeout
        self.wait = wait
        self.queueLimit = wait > .zero ? (queueLimit ?? limit * 8) : 0
        // A swift-metrics handle made before the metrics system is bootstrapped counts nowhere;
        // the gate is made before the router that bootstraps it.
        _ = OptralisMetrics.registry
        refused = Counter(label: "api_agent_connections_refused_total")
        waited = Counter(label: "api_agent_connections_waited_total")
        failed = Counter(label: "api_agent_handshakes_failed_total")
        inProgressGauge = Gauge(label: "api_agent_handshakes_in_progress")
        waitingGauge = Gauge(label: "api_agent_connections_waiting")
        inProgressGauge.record(0)
        waitingGauge.record(0)
    }

    var handshakesInProgress: Int { state.withLock { $0.inProgress } }
    var connectionsWaiting: Int { state.withLock { $0.waiting } }
    /// Waiters and the abandoned ones not yet dropped.
    var queuedEntries: Int { state.withLock { $0.queue.count } }

    /// A place now, a place in the queue (`granted` runs when the place is handed over, on
    /// whichever thread releases it), or a refusal (counted).
    func enter(granted: @escaping @Sendable () -> Void) -> Entry {
        guard limit > 0 else { return .admitted }
        let entry = state.withLock { places -> Entry in
            if places.inProgress < limit {
                places.inProgress += 1
                inProgressGauge.record(places.inProgress)
                return .admitted
            }
            guard places.waiting < queueLimit else { return .refused }
            let waiter = Waiter(granted: granted)
            places.queue.append(waiter)
            places.waiting += 1
            waitingGauge.record(places.waiting)
            return .queued(waiter)
        }
        switch entry {
        case .admitted: break
        case .queued: waited.increment()
        case .refused: refused.increment()
        }
        return entry
    }

    /// Gives a place back: to the oldest waiter still there, or free.
    func release() {
        guard limit > 0 else { return }
        let next = state.withLock { places -> Waiter? in
            while let waiter = places.queue.popFirst() {
                if waiter.status.compareExchange(expected: .waiting, desired: .granted, ordering: .relaxed).exchanged {
                    places.waiting -= 1
                    waitingGauge.record(places.waiting)
                    return waiter
                }
            }
            places.inProgress -= 1
            inProgressGauge.record(places.inProgress)
            return nil
        }
        next?.granted()
    }

    /// A waiter's connection closed, or its wait ran out. True when the place had already been
    /// handed to it: the caller gives it back.
    func abandon(_ waiter: Waiter) -> Bool {
        state.withLock { places in
            guard waiter.status.compareExchange(expected: .waiting, desired: .abandoned, ordering: .relaxed).exchanged else {
                return waiter.status.load(ordering: .relaxed) == .granted
            }
            places.waiting -= 1
            waitingGauge.record(places.waiting)
            // Closed waiters are skipped as they reach the front; a queue mostly of them (a storm
            // of agents giving up while every place is held) is compacted so it stays bounded.
            if places.queue.count > 2 * max(places.waiting, 64) {
                places.queue = CircularBuffer(places.queue.filter { $0.status.load(ordering: .relaxed) == .waiting })
            }
            return false
        }
    }

    func countRefusal() { refused.increment() }

    /// One per connection, after the TLS handler (it sees the handshake complete).
    func handler() -> Handler { Handler(gate: self) }

    final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        /// Whatever the HTTP codec passes on, forwarded untouched.
        typealias InboundIn = Any

        private enum Place {
            case none
            case waiting(Waiter)
            case holding
            case done
        }

        private let gate: HandshakeGate
        private var place = Place.none
        private var deadline: Scheduled<Void>?
        private var channel: (any Channel)?

        init(gate: HandshakeGate) { self.gate = gate }

        /// An accepted connection becomes active once its pipeline is set up, before any byte is
        /// read: a connection that has to wait stops reading here, so the TLS handler sees nothing.
        func channelActive(context: ChannelHandlerContext) {
            guard gate.limit > 0 else { return context.fireChannelActive() }
            let channel = context.channel
            let loop = context.eventLoop
            let bound = NIOLoopBound(self, eventLoop: loop)
            switch gate.enter(granted: { loop.execute { bound.value.granted() } }) {
            case .admitted:
                hold(channel)
            case .queued(let waiter):
                place = .waiting(waiter)
                self.channel = channel
                try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
                let gate = self.gate
                deadline = loop.scheduleTask(in: gate.wait) {
                    gate.countRefusal()
                    channel.close(promise: nil)
                }
            case .refused:
                context.close(promise: nil)
                return
            }
            context.fireChannelActive()
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            guard case .handshakeCompleted = event as? TLSUserEvent else { return context.fireUserInboundEventTriggered(event) }
            finish(completed: true)
            context.fireUserInboundEventTriggered(event)
            // Nothing left to guard: out of the way of every request the connection carries next.
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            finish(completed: false)
            context.fireChannelInactive()
        }

        func handlerRemoved(context: ChannelHandlerContext) { finish(completed: false) }

        private func hold(_ channel: any Channel) {
            place = .holding
            deadline?.cancel()
            deadline = channel.eventLoop.scheduleTask(in: gate.timeout) { channel.close(promise: nil) }
        }

        /// On the connection's event loop, once a place was handed over; nothing when the
        /// connection ended meanwhile (``finish()`` gave the place back).
        private func granted() {
            guard case .waiting = place, let channel else { return }
            self.channel = nil
            hold(channel)
            try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
        }

        private func finish(completed: Bool) {
            deadline?.cancel()
            deadline = nil
            channel = nil
            switch place {
            case .holding:
                if !completed { gate.failed.increment() }
                gate.release()
            case .waiting(let waiter): if gate.abandon(waiter) { gate.release() }
            case .none, .done: break
            }
            place = .done
        }
    }
}
