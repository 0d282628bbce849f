import Foundation
import OptralisCore
import Testing

@Suite("The api's timestamps, read and written without Foundation's formatters")
struct UTCTimestampTests {
    @Test func parsing_agrees_with_foundation_and_refuses_what_is_not_the_apis_format() throws {
        for text in ["2026-12-06T13:05:09Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "2000-03-01T00:00:00+00:00", "1969-07-20T20:17:40Z"] {
            let expected = try Date(text, strategy: .iso8601)
            #expect(UTCTimestamp.parse(text) == expected, "\(text)")
        }
        let fractional = try #require(UTCTimestamp.parse("2026-12-06T13:05:09.250Z"))
        #expect(abs(fractional.timeIntervalSince1970 - (try Date("2026-12-06T13:05:09Z", strategy: .iso8601).timeIntervalSince1970 + 0.25)) < 1e-6)
        for bad in [
            "", "2026-12-06", "2026-13-06T00:00:00Z", "2026-12-06T24:00:00Z", "2026-12-06T13:05:09", "2026-12-06T13:05:09+02:00",
            "2026-12-06T13:05:09Zjunk", "2026-12-06 13:05:09Z", "٢٠٢٦-12-06T13:05:09Z",
        ] {
            #expect(UTCTimestamp.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func formatting_matches_a_utc_date_formatter_over_four_centuries() {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_GB")
        formatter.dateFormat = "dd/MM HH:mm"
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let seconds = Double(Int64(bitPattern: state >> 1) % 12_600_000_000) - 6_300_000_000 // about 1770 to 2170
            let date = Date(timeIntervalSince1970: seconds)
            #expect(UTCTimestamp.format(date, .dayMonthTime) == formatter.string(from: date), "\(seconds)")
        }
        // 1970, 2026, 1969, 9999, 1600 (before the 1582 reform Foundation counts in the Julian calendar).
        for seconds in [0.0, 1_780_000_000.9, -86_401, 253_402_300_799, -11_676_096_000] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(UTCTimestamp.iso8601(date) == date.formatted(.iso8601), "\(seconds)")
        }
    }
}
