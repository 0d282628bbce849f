@testable import OptralisServer
import Testing

/// The shared timer behind ``DependencyOutageMiddleware``'s watchdog: a sleep ends once due (up
/// to one tick late), a cancelled one throws at once, and the table empties itself.
@Suite("Deadline timer")
struct DeadlineTimerTests {
    @Test func a_sleep_ends_after_its_duration_within_one_tick() async throws {
        let timer = DeadlineTimer()
        let start = ContinuousClock.now
        try await timer.sleep(for: .milliseconds(120))
        let slept = ContinuousClock.now - start
        #expect(slept >= .milliseconds(120), "\(slept)")
        #expect(slept < .milliseconds(120) + DeadlineTimer.resolution * 4, "\(slept)")
        #expect(timer.pending == 0)
    }

    @Test func a_cancelled_sleep_throws_at_once_and_leaves_the_table() async throws {
        let timer = DeadlineTimer()
        let sleeper = Task { try await timer.sleep(for: .seconds(30)) }
        while timer.pending == 0 { await Task.yield() }
        let start = ContinuousClock.now
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(ContinuousClock.now - start < .seconds(1))
        #expect(timer.pending == 0)
    }

    @Test func a_task_cancelled_before_it_sleeps_does_not_sleep() async throws {
        let timer = DeadlineTimer()
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await timer.sleep(for: .seconds(30))
        }
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(timer.pending == 0)
    }

    @Test func many_sleeps_of_different_lengths_each_end_in_order() async throws {
        let timer = DeadlineTimer()
        let ends = try await withThrowingTaskGroup(of: (Int, ContinuousClock.Instant).self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await timer.sleep(for: .milliseconds(50 + (index % 4) * 100))
                    return (index, .now)
                }
            }
            return try await group.reduce(into: [Int: ContinuousClock.Instant]()) { $0[$1.0] = $1.1 }
        }
        #expect(ends.count == 200)
        // Every 300 ms sleeper ended after every 50 ms one.
        let short = ends.filter { $0.key % 4 == 0 }.map(\.value).max()!
        let long = ends.filter { $0.key % 4 == 3 }.map(\.value).min()!
        #expect(short < long)
        #expect(timer.pending == 0)
    }
}
