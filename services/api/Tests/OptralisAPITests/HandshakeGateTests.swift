import Synchronization
import Testing

@testable import OptralisAPI

/// The handshake gate's places and its queue, without sockets (``AgentGatewayAdmissionTests``
/// drives the same gate through real connections).
@Suite("Handshake gate: places and the queue")
struct HandshakeGateTests {
    /// Records which waiters were handed a place, in order.
    final class Grants: Sendable {
        let order = Mutex<[Int]>([])
        func callback(_ id: Int) -> @Sendable () -> Void { { self.order.withLock { $0.append(id) } } }
        var ids: [Int] { order.withLock { $0 } }
    }

    @Test func places_pass_to_the_oldest_waiter_still_there_and_are_freed_when_none_is() throws {
        let gate = HandshakeGate(limit: 2, queueLimit: 3)
        let grants = Grants()
        func enter(_ id: Int) -> HandshakeGate.Entry { gate.enter(granted: grants.callback(id)) }
        #expect(enter(0).isAdmitted && enter(1).isAdmitted, "below the limit")
        let first = try #require(enter(2).waiter, "over the limit, queued")
        let second = try #require(enter(3).waiter)
        let third = try #require(enter(4).waiter)
        #expect(enter(5).isRefused, "a full queue refuses")
        #expect(gate.handshakesInProgress == 2 && gate.connectionsWaiting == 3)

        // The second waiter's connection closes: it is skipped, and its going frees a queue place.
        #expect(gate.abandon(second) == false)
        #expect(gate.connectionsWaiting == 2)
        #expect(enter(6).waiter != nil, "a queue place freed by a waiter that left")

        gate.release()
        gate.release()
        #expect(grants.ids == [2, 4], "oldest first, the one that left skipped")
        #expect(gate.handshakesInProgress == 2 && gate.connectionsWaiting == 1)
        // A waiter already handed its place gives it back itself.
        #expect(gate.abandon(first) == true)
        #expect(gate.abandon(third) == true)

        gate.release()
        #expect(grants.ids == [2, 4, 6])
        gate.release()
        gate.release()
        #expect(gate.handshakesInProgress == 0 && gate.connectionsWaiting == 0)
        #expect(enter(7).isAdmitted, "free places admit at once")
    }

    @Test func without_a_wait_a_connection_over_the_limit_is_refused_at_once() {
        let gate = HandshakeGate(limit: 1, wait: .zero)
        #expect(gate.enter(granted: {}).isAdmitted)
        #expect(gate.enter(granted: {}).isRefused, "no queue without a wait")
        #expect(gate.connectionsWaiting == 0)
    }

    @Test func a_queue_of_abandoned_waiters_is_compacted() throws {
        let gate = HandshakeGate(limit: 1, queueLimit: 10_000)
        #expect(gate.enter(granted: {}).isAdmitted)
        let waiters = try (0..<1_000).map { _ in try #require(gate.enter(granted: {}).waiter) }
        for waiter in waiters.dropLast() { _ = gate.abandon(waiter) }
        #expect(gate.connectionsWaiting == 1)
        #expect(gate.queuedEntries <= 128, "\(gate.queuedEntries) entries kept for 1 waiter")
        gate.release()
        #expect(gate.abandon(waiters[waiters.count - 1]) == true, "the one waiter left got the place")
    }
}

extension HandshakeGate.Entry {
    fileprivate var isAdmitted: Bool {
        if case .admitted = self { return true }
        return false
    }
    fileprivate var isRefused: Bool {
        if case .refused = self { return true }
        return false
    }
    fileprivate var waiter: HandshakeGate.Waiter? {
        if case .queued(let waiter) = self { return waiter }
        return nil
    }
}
