import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization

/// One simulated agent's keep-alive HTTPS connection to the agents' port, with its own client
/// certificate (or, without `tls`, a plain HTTP connection: the api's `/metrics`). Requests go one at a time, as the agent's spool sends them. The connection
/// notices when the server closes it (a gateway restart) even while the agent is idle, so a
/// sleeping agent wakes up to reconnect.
final class AgentConnection: @unchecked Sendable {
    // @unchecked: a connection is used by one task at a time (an agent's requests go one after
    // the other); only `watch`, which the event loop also touches, is shared, and it is Sendable.
    typealias Channel = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    struct Closed: Error {}
    struct Response {
        let status: Int
        let headers: HTTPHeaders
        let body: ByteBuffer
    }

    /// Set from the event loop when the channel closes; wakes the agent's sleep.
    final class CloseWatch: Sendable {
        let closed = Atomic<Bool>(false)
        let sleeper = Mutex<Task<Void, any Error>?>(nil)

        func fire() {
            closed.store(true, ordering: .relaxed)
            sleeper.withLock { $0?.cancel() }
        }
    }

    private var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    private let watch: CloseWatch

    private init(
        inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>, watch: CloseWatch
    ) {
        self.inbound = inbound
        self.outbound = outbound
        self.watch = watch
    }

    /// Connects (TCP, then TLS on the first write), runs `body` with the connection, closes it.
    static func with<Result: Sendable>(
        host: String, port: Int, tls: NIOSSLContext?, group: any EventLoopGroup, _ body: (AgentConnection) async throws -> Result
    ) async throws -> Result {
        let bootstrap = ClientBootstrap(group: group).channelOption(.socketOption(.tcp_nodelay), value: 1).connectTimeout(.seconds(10))
        let initializer: @Sendable (any NIOCore.Channel) -> EventLoopFuture<Channel> = { channel in
            channel.eventLoop.makeCompletedFuture {
                if let tls {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: nil))
                    try channel.pipeline.syncOperations.addHandler(HandshakeTimeout())
                }
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                return try Channel(wrappingChannelSynchronously: channel)
            }
        }
        // An address is connected to directly: by name, NIO resolves it (getaddrinfo) and races
        // the answers on every connect, 10 % of the generator's CPU while a fleet reconnects.
        let channel =
            if let address = try? SocketAddress(ipAddress: host, port: port) {
                try await bootstrap.connect(to: address, channelInitializer: initializer)
            } else {
                try await bootstrap.connect(host: host, port: port, channelInitializer: initializer)
            }
        let watch = CloseWatch()
        channel.channel.closeFuture.whenComplete { _ in watch.fire() }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(AgentConnection(inbound: inbound.makeAsyncIterator(), outbound: outbound, watch: watch))
        }
    }

    var isClosed: Bool { watch.closed.load(ordering: .relaxed) }

    /// Sleeps until `deadline`; returns false at once when the server closes the connection.
    func sleep(until deadline: ContinuousClock.Instant) async -> Bool {
        let task = Task { try await Task.sleep(until: deadline) }
        watch.sleeper.withLock { $0 = task }
        if isClosed { task.cancel() }
        _ = await withTaskCancellationHandler {
            try? await task.value
        } onCancel: {
            task.cancel()
        }
        watch.sleeper.withLock { $0 = nil }
        return !isClosed
    }

    func send(_ method: HTTPMethod, _ path: String, body: ByteBuffer? = nil) async throws -> Response {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: "agents")
        head.headers.add(name: "Content-Length", value: String(body?.readableBytes ?? 0))
        if body != nil { head.headers.add(name: "Content-Type", value: "application/json") }
        try await outbound.write(.head(head))
        if let body { try await outbound.write(.body(.byteBuffer(body))) }
        try await outbound.write(.end(nil))
        var status = 0
        var headers = HTTPHeaders()
        var received = ByteBuffer()
        while let part = try await inbound.next() {
            switch part {
            case .head(let response): (status, headers) = (Int(response.status.code), response.headers)
            case .body(var bytes): received.writeBuffer(&bytes)
            case .end: return Response(status: status, headers: headers, body: received)
            }
        }
        throw Closed()
    }
}

/// Closes a connection whose TLS handshake has not completed 10 s after it connected, as the
/// agent's HTTP client does (libcurl's connect timeout covers the handshake).
private final class HandshakeTimeout: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any
    private var timer: Scheduled<Void>?

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: .seconds(10)) { channel.close(promise: nil) }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            timer?.cancel()
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func handlerRemoved(context: ChannelHandlerContext) { timer?.cancel() }
}
