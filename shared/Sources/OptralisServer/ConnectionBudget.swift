#if canImport(Glibc)
import Glibc
#endif
import Logging
import Metrics
import NIOCore
import Synchronization

/// How many connections a process keeps open at once, across all its ports: its open-files
/// limit (raised at start to the hard limit) less a reserve for everything else that opens a
/// file (PostgreSQL, Redis and outbound HTTP connections, event loops, `/proc` reads).
///
/// A Swift process that runs out of file descriptors does not merely refuse a connection:
/// libdispatch's thread-pool monitor reads `/proc/<tid>/stat` about once a second and crashes the
/// whole process when that `open` fails (SIGILL in `_dispatch_workq_monitor_pools`). The api died
/// that way at 20,000 agents under a limit of 20,000 files. A connection accepted over the budget
/// is closed at once, before any TLS or HTTP, counted in `connections_over_budget_total{port}` and
/// logged (at most every 10 s); an agent retries it within its reconnect window.
///
/// The budget is split between the ports: a service's own port (``service``) may hold an eighth
/// of it, at most 1,024, and the api's agents' port (``agents``) the rest, so a fleet that fills
/// its port leaves `/health`, `/metrics` and the dashboard's API reachable.
public final class ConnectionBudget: Sendable {
    /// Connections the process can hold, its open-files limit raised first.
    static let total = connections(openFiles: raisedOpenFilesLimit())
    /// The service's own port (every service's HTTP port, the api's public one).
    public static let service = ConnectionBudget(port: "service", limit: min(1_024, max(32, total / 8)))
    /// The api's agents' port: what the service port leaves.
    public static let agents = ConnectionBudget(port: "agents", limit: max(1, total - service.limit))

    /// Connections open at once; more are closed as soon as accepted.
    public let limit: Int
    /// Which port's budget, in the metric's `port` label and the log line.
    public let port: String
    private let open = Atomic<Int>(0)
    /// Seconds from ``started`` to the last warning logged (the first refusal is always logged).
    private let lastWarning = Atomic<Int64>(-10)
    private let started = ContinuousClock.now
    private let refused: Counter
    private let logger = Logger(label: "optralis.connections")

    public init(port: String, limit: Int) {
        self.port = port
        self.limit = limit
        // A swift-metrics handle made before the metrics system is bootstrapped counts nowhere.
        _ = OptralisMetrics.registry
        refused = Counter(label: "connections_over_budget_total", dimensions: [("port", port)])
    }

    /// What is left for connections out of `openFiles` descriptors: an eighth is kept for the
    /// rest, at least 64 and at most 1,024.
    public static func connections(openFiles: Int) -> Int {
        max(1, openFiles - min(1_024, max(64, openFiles / 8)))
    }

    /// Raises the soft open-files limit to the hard one (as Go's runtime does at start), and
    /// returns it: a container's or a unit's soft limit is often 1,024 with a far higher hard limit.
    static func raisedOpenFilesLimit() -> Int {
        var limits = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return 1_024 }
        // The kernel refuses more than its nr_open: 1,048,576 by default, far more where systemd
        // raised it (and a container's limits may already be above a million).
        for wanted in [limits.rlim_max, min(limits.rlim_max, 1_048_576)] where limits.rlim_cur < wanted {
            var raised = limits
            raised.rlim_cur = wanted
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limits = raised }
        }
        return Int(clamping: limits.rlim_cur)
    }

    public var openConnections: Int { open.load(ordering: .relaxed) }

    /// Takes a place for a new connection, or counts a refusal.
    func admit() -> Bool {
        if open.add(1, ordering: .relaxed).newValue <= limit { return true }
        open.subtract(1, ordering: .relaxed)
        refused.increment()
        let second = (ContinuousClock.now - started).components.seconds
        let last = lastWarning.load(ordering: .relaxed)
        if second - last >= 10, lastWarning.compareExchange(expected: last, desired: second, ordering: .relaxed).exchanged {
            logger.warning(
                "connection closed: the process has as many open as its open-files limit allows",
                metadata: [
                    "port": "\(port)", "open_connections": "\(limit)", "hint": "raise the open-files limit (ulimit -n, LimitNOFILE, docker --ulimit nofile)",
                ])
        }
        return false
    }

    func release() {
        open.subtract(1, ordering: .relaxed)
    }

    /// One per accepted connection, first in its pipeline's own handlers.
    public func handler() -> Handler { Handler(budget: self) }

    /// Takes the connection's place when it becomes active, or closes it; gives the place back
    /// when it closes, and leaves the pipeline once admitted.
    public final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        public typealias InboundIn = Any
        private let budget: ConnectionBudget

        init(budget: ConnectionBudget) { self.budget = budget }

        public func channelActive(context: ChannelHandlerContext) {
            guard budget.admit() else { return context.close(promise: nil) }
            let budget = self.budget
            context.channel.closeFuture.whenComplete { _ in budget.release() }
            context.fireChannelActive()
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}
