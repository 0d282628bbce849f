import Foundation
import OptralisCore
@testable import OptralisScheduler
import OptralisTestSupport
import Testing

/// The scheduler's own use of cron expressions (their parsing is tested with OptralisCore's).
@Suite("Schedules")
struct ScheduleTests {
    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func every_schedules_are_aligned_so_replicas_agree() throws {
        let schedule = try Schedule("@every 30s")
        #expect(schedule.next(after: Self.date("2026-01-15T10:17:10Z")) == Self.date("2026-01-15T10:17:30Z"))
        #expect(throws: CronError.self) { try Schedule("@every 0s") }
        #expect(throws: CronError.self) { try Schedule("@every 5d") }
    }

    @Test func the_cli_prints_the_next_run_times() async throws {
        let binary = TestEnvironment.binaryDirectory.appendingPathComponent("optralis-scheduler").path
        let result = try await ChildProcess.run(
            binary, ["cron", "next", "30 2 * * *", "--after", "2026-03-28T12:00:00Z", "--count", "2", "--tz", "Europe/Paris"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.split(separator: "\n") == ["2026-03-30T02:30:00+02:00", "2026-03-31T02:30:00+02:00"])
        let bad = try await ChildProcess.run(binary, ["cron", "next", "61 * * * *"])
        #expect(bad.status != 0)
        #expect(bad.output.contains("outside 0-59"), "\(bad.output)")
    }
}
