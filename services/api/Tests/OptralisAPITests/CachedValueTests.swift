import Synchronization
import Testing

@testable import OptralisAPI

@Suite("A value the heartbeat reads, loaded once per lifetime")
struct CachedValueTests {
    struct Failed: Error {}

    @Test func callers_that_arrive_together_share_one_load_and_the_value_is_kept_for_its_lifetime() async throws {
        let cached = CachedValue<Int>(lifetime: .milliseconds(300))
        let loads = Atomic(0)
        let load: @Sendable () async throws -> Int = {
            let number = loads.add(1, ordering: .relaxed).newValue
            // Long enough for every caller below to find this load running.
            try await Task.sleep(for: .milliseconds(100))
            return number
        }
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<200 { group.addTask { try await cached.get(load: load) } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(values.count == 200 && Set(values) == [1])
        #expect(try await cached.get(load: load) == 1, "kept within its lifetime")
        try await Task.sleep(for: .milliseconds(350))
        #expect(try await cached.get(load: load) == 2, "loaded again once older than its lifetime")
        #expect(loads.load(ordering: .relaxed) == 2)
    }

    @Test func a_failed_load_reaches_its_callers_keeps_the_last_value_and_is_tried_again() async throws {
        let cached = CachedValue<String>(lifetime: .zero)
        #expect(cached.last == nil)
        #expect(try await cached.get { "first" } == "first")
        await #expect(throws: Failed.self) { try await cached.get { throw Failed() } }
        #expect(cached.last == "first", "the last value survives a failed load")
        #expect(try await cached.get { "second" } == "second", "the next caller loads again")
    }
}
