import Foundation
import OptralisCore
import OptralisTestSupport
import Testing

@Suite("Cron expressions")
struct CronExpressionTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let paris = TimeZone(identifier: "Europe/Paris")!

    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// expression, zone, after, the next run times (UTC).
    static let table: [(String, TimeZone, String, [String])] = [
        ("*/15 * * * *", utc, "2026-01-15T10:17:00Z", ["2026-01-15T10:30:00Z", "2026-01-15T10:45:00Z", "2026-01-15T11:00:00Z"]),
        ("5-20/5 * * * *", utc, "2026-01-15T10:17:00Z", ["2026-01-15T10:20:00Z", "2026-01-15T11:05:00Z"]),
        ("0 9 * * 1-5", utc, "2026-01-16T10:00:00Z", ["2026-01-19T09:00:00Z", "2026-01-20T09:00:00Z"]),
        ("0 0 31 * *", utc, "2026-01-31T00:00:00Z", ["2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z"]),
        ("0 0 29 2 *", utc, "2026-03-01T00:00:00Z", ["2028-02-29T00:00:00Z"]),
        ("59 23 28-31 2 *", utc, "2026-02-27T00:00:00Z", ["2026-02-28T23:59:00Z", "2027-02-28T23:59:00Z"]),
        ("30 6 * JAN,mar mon", utc, "2026-01-15T00:00:00Z", ["2026-01-19T06:30:00Z", "2026-01-26T06:30:00Z"]),
        ("0 0 13 * FRI", utc, "2026-01-15T10:17:00Z", ["2026-01-16T00:00:00Z", "2026-01-23T00:00:00Z"]),
        ("0 12 * * 7", utc, "2026-01-15T00:00:00Z", ["2026-01-18T12:00:00Z"]),
        ("@hourly", utc, "2026-01-15T10:17:00Z", ["2026-01-15T11:00:00Z"]),
        ("@daily", utc, "2026-01-15T10:17:00Z", ["2026-01-16T00:00:00Z"]),
        ("@weekly", utc, "2026-01-15T10:17:00Z", ["2026-01-18T00:00:00Z"]),
        ("@monthly", utc, "2026-01-15T10:17:00Z", ["2026-02-01T00:00:00Z"]),
        ("@yearly", utc, "2026-01-15T10:17:00Z", ["2027-01-01T00:00:00Z"]),
        // Europe/Paris, 29 March 2026: 02:00 jumps to 03:00. 02:30 does not exist that night.
        ("30 2 * * *", paris, "2026-03-28T12:00:00Z", ["2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z"]),
        ("0 3 * * *", paris, "2026-03-28T12:00:00Z", ["2026-03-29T01:00:00Z", "2026-03-30T01:00:00Z"]),
        ("0 9 * * *", paris, "2026-03-28T12:00:00Z", ["2026-03-29T07:00:00Z"]),
        // 25 October 2026: 03:00 goes back to 02:00. A fixed 02:30 runs once; `*` hours follow real time.
        ("30 2 * * *", paris, "2026-10-24T12:00:00Z", ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]),
        ("*/30 * * * *", paris, "2026-10-25T00:15:00Z", ["2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:00:00Z"]),
    ]

    @Test(arguments: table.indices)
    func next_run_times(index: Int) throws {
        let (text, zone, after, expected) = Self.table[index]
        let expression = try CronExpression(text)
        var time = Self.date(after)
        for want in expected {
            let next = try #require(expression.next(after: time, in: zone), "\(text) has no next run after \(time)")
            #expect(ISO8601DateFormatter().string(from: next) == want, "\(text) in \(zone.identifier) after \(time)")
            time = next
        }
    }

    @Test(arguments: [
        ("* * * *", "expected 5 fields"), ("60 * * * *", "outside 0-59"), ("* 24 * * *", "outside 0-23"), ("* * 0 * *", "outside 1-31"),
        ("* * * 13 *", "outside 1-12"), ("* * * FOO *", "not a number or a name"), ("*/0 * * * *", "step must be a number from 1 to 60"),
        ("0 1/9223372036854775807 * * *", "step must be a number from 1 to 24"),
        ("5-1 * * * *", "goes backwards"), ("1,,2 * * * *", "empty list item"),
    ])
    func malformed_expressions_say_why(text: String, reason: String) {
        #expect(throws: CronError.self) { try CronExpression(text) }
        do { _ = try CronExpression(text) } catch { #expect(error.reason.contains(reason), "\(error.reason)") }
    }

    @Test func an_impossible_date_has_no_next_run() throws {
        #expect(try CronExpression("0 0 30 2 *").next(after: Self.date("2026-01-01T00:00:00Z"), in: Self.utc) == nil)
    }
}
