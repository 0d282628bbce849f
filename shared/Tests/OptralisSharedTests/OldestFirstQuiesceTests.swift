import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import OptralisServer

@Suite("Graceful shutdown: connections told oldest first")
struct OldestFirstQuiesceTests {
    /// One server's connections, by accept order, and the order their notices arrived in.
    final class Record: Sendable {
        let notices = Mutex<[Int]>([])
        let channels = Mutex<[Int: any Channel]>([:])
        let accepted = Atomic<Int>(0)
    }

    /// Behind the handler under test, it logs the notices that get through.
    final class Recorder: ChannelInboundHandler, Sendable {
        typealias InboundIn = Any
        let index: Int
        let record: Record

        init(index: Int, record: Record) {
            self.index = index
            self.record = record
        }

        func handlerAdded(context: ChannelHandlerContext) {
            let channel = context.channel
            record.channels.withLock { $0[index] = channel }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is ChannelShouldQuiesceEvent { record.notices.withLock { $0.append(index) } }
            context.fireUserInboundEventTriggered(event)
        }
    }

    @Test func every_connection_gets_the_notice_once_oldest_first_and_only_its_own_servers() async throws {
        let quiesce = OldestFirstQuiesce()
        // One event loop: the order the notices are handed out in is the order they arrive in.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

        func serve(_ record: Record) async throws -> any Channel {
            try await ServerBootstrap(group: group)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let index = record.accepted.add(1, ordering: .relaxed).oldValue
                        try channel.pipeline.syncOperations.addHandlers([quiesce.handler(), Recorder(index: index, record: record)])
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
        }
        let (record, otherRecord) = (Record(), Record())
        let server = try await serve(record)
        let other = try await serve(otherRecord)

        var clients: [any Channel] = []
        for (listener, count) in [(server, 20), (other, 2)] {
            for _ in 0..<count {
                let before = quiesce.registered
                clients.append(try await ClientBootstrap(group: group).connect(to: try #require(listener.localAddress)).get())
                for _ in 0..<250 where quiesce.registered == before { try await Task.sleep(for: .milliseconds(20)) }
            }
        }
        #expect(quiesce.registered == 22)

        // As NIO's quiescing helper does, in an order of its own: here the newest first.
        for channel in record.channels.withLock({ $0 }).sorted(by: { $0.key > $1.key }).map(\.value) {
            channel.eventLoop.execute { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        }
        for _ in 0..<250 where record.notices.withLock(\.count) < 20 { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(200))
        #expect(record.notices.withLock { $0 } == Array(0..<20), "oldest first, each once")
        #expect(otherRecord.notices.withLock { $0 }.isEmpty, "another server's connections are not told")

        // A connection accepted after the pass began gets its own notice as it comes.
        let before = quiesce.registered
        clients.append(try await ClientBootstrap(group: group).connect(to: try #require(server.localAddress)).get())
        for _ in 0..<250 where quiesce.registered == before { try await Task.sleep(for: .milliseconds(20)) }
        let late = try #require(record.channels.withLock { $0[20] })
        late.eventLoop.execute { late.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        for _ in 0..<250 where record.notices.withLock(\.count) < 21 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(record.notices.withLock { $0 } == Array(0...20))

        for channel in clients { try await channel.close() }
        for _ in 0..<250 where quiesce.registered > 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(quiesce.registered == 0, "closed connections leave the registry")
        try await server.close()
        try await other.close()
        try await group.shutdownGracefully()
    }
}
