#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import Testing

@testable import OptralisServer

@Suite("Connection budget: no more connections than open files allow")
struct ConnectionBudgetTests {
    @Test func a_reserve_is_kept_for_everything_else_that_opens_a_file() {
        #expect(ConnectionBudget.connections(openFiles: 20_000) == 18_976)
        #expect(ConnectionBudget.connections(openFiles: 1_024) == 896)
        #expect(ConnectionBudget.connections(openFiles: 256) == 192)
        #expect(ConnectionBudget.connections(openFiles: 10) == 1)
        // The service port's share (at most 1,024) and the agents' port's fit in the process's total.
        #expect(ConnectionBudget.service.limit <= 1_024)
        #expect(ConnectionBudget.service.limit + ConnectionBudget.agents.limit <= ConnectionBudget.total)
    }

    @Test func the_soft_open_files_limit_is_raised_to_the_hard_one() {
        let raised = ConnectionBudget.raisedOpenFilesLimit()
        var limits = rlimit()
        #expect(getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0)
        #expect(UInt64(raised) == limits.rlim_cur)
        // The hard limit, unless the kernel's nr_open is lower (it is 1,048,576 by default); on a
        // machine whose limits are already above that, they stay as they are.
        #expect(limits.rlim_cur == limits.rlim_max || limits.rlim_cur >= 1_048_576, "soft \(limits.rlim_cur), hard \(limits.rlim_max)")
    }

    /// Three places, five connections: two are closed as soon as accepted, three stay open, and a
    /// place given back by a closed connection takes a new one.
    ///
    /// Which two are closed is not fixed: each accepted connection becomes active on its own event
    /// loop, so a later connection can take a place before an earlier one whose loop is busy (a CI
    /// run saw the first connection refused and the fourth admitted).
    @Test func connections_over_the_budget_are_closed_at_once_and_a_freed_place_is_reused() async throws {
        let budget = ConnectionBudget(port: "test", limit: 3)
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(budget.handler()) } }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        func connect() async throws -> any Channel { try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).get() }
        /// Waits up to 10 s (a busy CI machine) for `done`.
        func eventually(_ done: () -> Bool) async throws {
            for _ in 0..<500 where !done() { try await Task.sleep(for: .milliseconds(20)) }
        }

        var clients: [any Channel] = []
        for _ in 0..<5 { clients.append(try await connect()) }
        try await eventually { clients.filter { !$0.isActive }.count == 2 }
        let open = clients.filter(\.isActive)
        #expect(open.count == 3, "two over the budget closed, three within it open")
        #expect(budget.openConnections == 3)

        let kept = try #require(open.first)
        try await kept.close()
        try await eventually { budget.openConnections == 2 }
        #expect(budget.openConnections == 2, "the closed connection gave its place back")
        let next = try await connect()
        try await eventually { budget.openConnections == 3 }
        #expect(budget.openConnections == 3, "the freed place is taken")
        #expect(next.isActive)
        for channel in open.dropFirst() + [next] { try await channel.close() }
        try await server.close()
    }
}
