import Metrics
import NIOCore
import NIOTLS
import OptralisServer
import Synchronization

/// At most `limit` TLS handshakes in progress at once on the agents' port
/// (`AGENT_TLS_HANDSHAKE_LIMIT`). A connection accepted above it is closed at once, before any
/// cryptography, instead of waiting behind the others: after a gateway restart the whole fleet
/// reconnects together, and queued handshakes only make every agent wait longer (and time out,
/// and try again). The refused agent sees a connection closed before any HTTP answer, retries
/// within its reconnect window (``AgentRetryPolicy``), and `api_agent_connections_refused_total`
/// counts it. A handshake that has not completed after `timeout` is closed too, so a silent
/// client cannot hold a place.
final class HandshakeGate: Sendable {
    /// 0: no limit (and no handshake timeout: the gateway as it was before the gate).
    let limit: Int
    let timeout: TimeAmount
    private let inProgress = Atomic<Int>(0)
    private let refused: Counter

    init(limit: Int, timeout: TimeAmount = .seconds(10)) {
        self.limit = limit
        self.timeout = timeout
        // A swift-metrics handle made before the metrics system is bootstrapped counts nowhere;
        // the gate is made before the router that bootstraps it.
        _ = OptralisMetrics.registry
        refused = Counter(label: "api_agent_connections_refused_total")
    }

    var handshakesInProgress: Int { inProgress.load(ordering: .relaxed) }

    /// Takes a place, or counts a refusal.
    func admit() -> Bool {
        guard limit > 0 else { return true }
        if inProgress.add(1, ordering: .relaxed).newValue <= limit { return true }
        inProgress.subtract(1, ordering: .relaxed)
        refused.increment()
        return false
    }

    func release() {
        guard limit > 0 else { return }
        inProgress.subtract(1, ordering: .relaxed)
    }

    /// One per connection, after the TLS handler (it sees the handshake complete).
    func handler() -> Handler { Handler(gate: self) }

    final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        /// Whatever the HTTP codec passes on, forwarded untouched.
        typealias InboundIn = Any

        private let gate: HandshakeGate
        private var holding = false
        private var deadline: Scheduled<Void>?

        init(gate: HandshakeGate) { self.gate = gate }

        func channelActive(context: ChannelHandlerContext) {
            guard check(context) else { return }
            context.fireChannelActive()
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            guard case .handshakeCompleted = event as? TLSUserEvent else { return context.fireUserInboundEventTriggered(event) }
            finish()
            context.fireUserInboundEventTriggered(event)
            // Nothing left to guard: out of the way of every request the connection carries next.
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            finish()
            context.fireChannelInactive()
        }

        func handlerRemoved(context: ChannelHandlerContext) { finish() }

        /// False when the connection was refused (and is being closed). An accepted connection
        /// becomes active once its pipeline is set up, so this runs once, before any TLS record.
        private func check(_ context: ChannelHandlerContext) -> Bool {
            guard gate.limit > 0 else { return true }
            guard gate.admit() else {
                context.close(promise: nil)
                return false
            }
            holding = true
            let channel = context.channel
            deadline = context.eventLoop.scheduleTask(in: gate.timeout) { channel.close(promise: nil) }
            return true
        }

        private func finish() {
            deadline?.cancel()
            deadline = nil
            guard holding else { return }
            holding = false
            gate.release()
        }
    }
}
