import NIOCore
import Synchronization

/// Hands a server's graceful-shutdown notice (`ChannelShouldQuiesceEvent`) to its connections
/// oldest first, instead of in the hash order NIO's quiescing helper keeps them in.
///
/// Why the order matters: Hummingbird runs one task per connection in a discarding task group,
/// and the Swift runtime unlinks a finished child by walking the group's list of children from
/// the oldest. Connections closed in no order cost half the list each, so an api stopping with
/// 10,000 agents connected spent seconds of one core in `swift::TaskGroup::removeChildTask`
/// before it could exit (docs/ingestion.md, "Seventh pass"). Closed oldest first, each finished
/// task is at the head of the list.
///
/// One handler per connection, before Hummingbird's HTTP state handler (which closes the
/// connection once its request in progress is answered). The first notice any connection of a
/// server receives starts the pass over every connection of that server (the parent channel),
/// on each connection's event loop in turn; the notices NIO's helper sends are then dropped.
public final class OldestFirstQuiesce: Sendable {
    public static let shared = OldestFirstQuiesce()

    private struct Server {
        var connections: [UInt64: @Sendable () -> Void] = [:]
        /// Once the pass has started: the newest connection it covers. One accepted after it
        /// gets the helper's notice as it comes.
        var covered: UInt64?
    }

    private struct Registry {
        var next: UInt64 = 0
        var servers: [ObjectIdentifier: Server] = [:]
    }

    private let registry = Mutex(Registry())

    init() {}

    public func handler() -> Handler { Handler(registry: self) }

    /// Connections of servers, registered and not yet closed.
    var registered: Int { registry.withLock { $0.servers.values.reduce(0) { $0 + $1.connections.count } } }

    fileprivate func register(server: ObjectIdentifier, quiesce: @escaping @Sendable () -> Void) -> UInt64 {
        registry.withLock { registry in
            registry.next += 1
            registry.servers[server, default: Server()].connections[registry.next] = quiesce
            return registry.next
        }
    }

    fileprivate func unregister(server: ObjectIdentifier, connection: UInt64) {
        registry.withLock { registry in
            registry.servers[server]?.connections[connection] = nil
            if registry.servers[server]?.connections.isEmpty == true { registry.servers[server] = nil }
        }
    }

    /// Starts the pass over the server's connections, oldest first, the first time; true when
    /// the pass covers `connection` (its notice comes, or came, with the others).
    fileprivate func quiesce(server: ObjectIdentifier, connection: UInt64) -> Bool {
        let (covered, notices) = registry.withLock { registry -> (Bool, [@Sendable () -> Void]) in
            guard let entry = registry.servers[server] else { return (false, []) }
            if let newest = entry.covered { return (connection <= newest, []) }
            registry.servers[server]?.covered = registry.next
            return (true, entry.connections.sorted { $0.key < $1.key }.map(\.value))
        }
        for notice in notices { notice() }
        return covered
    }

    public final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        public typealias InboundIn = Any

        private let registry: OldestFirstQuiesce
        private var server: ObjectIdentifier?
        private var connection: UInt64?
        private var quiesced = false
        /// Out of the pipeline: its context is no longer to be used.
        private var removed = false

        init(registry: OldestFirstQuiesce) { self.registry = registry }

        public func handlerAdded(context: ChannelHandlerContext) {
            // An accepted connection's parent is its server's listening channel.
            guard let parent = context.channel.parent else { return }
            let server = ObjectIdentifier(parent)
            let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            let loop = context.eventLoop
            self.server = server
            connection = registry.register(server: server) {
                loop.execute { bound.value.handler.forward(context: bound.value.context) }
            }
        }

        public func handlerRemoved(context: ChannelHandlerContext) {
            removed = true
            leave()
        }

        public func channelInactive(context: ChannelHandlerContext) {
            leave()
            context.fireChannelInactive()
        }

        public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            guard event is ChannelShouldQuiesceEvent else { return context.fireUserInboundEventTriggered(event) }
            // This connection's own notice comes with the others, in order, unless it was
            // accepted after the pass began (or has left the registry).
            guard let server, let connection, registry.quiesce(server: server, connection: connection) else { return forward(context: context) }
        }

        private func forward(context: ChannelHandlerContext) {
            guard !quiesced, !removed else { return }
            quiesced = true
            context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }

        private func leave() {
            guard let server, let connection else { return }
            self.connection = nil
            registry.unregister(server: server, connection: connection)
        }
    }
}
