import Foundation
import Testing

@testable import OptralisWeb

@Suite("Server-drawn SVG charts")
struct LineChartTests {
    func chart(_ series: [LineChart.Series], hours: Double = 720) -> String {
        let end = Date(timeIntervalSince1970: 1_800_000_000)
        return LineChart(
            title: "CPU", unit: " %", start: end.addingTimeInterval(-hours * 3600), end: end, maximum: 100, gap: 3 * 3600,
            series: series, empty: "No data"
        ).svg
    }

    func hourly(_ count: Int, value: (Int) -> Double?) -> [LineChart.Point] {
        let end = Date(timeIntervalSince1970: 1_800_000_000)
        return (0..<count).map { LineChart.Point(time: end.addingTimeInterval(-Double(count - $0) * 3600), value: value($0)) }
    }

    @Test func a_month_of_hourly_points_keeps_every_point_in_the_line_but_a_bounded_number_of_hover_targets() {
        let svg = chart([LineChart.Series(name: "", points: hourly(720) { Double($0 % 100) })])
        let hovers = svg.matches(of: /<circle class="hover"/).count
        #expect(hovers <= LineChart.maximumHoverPoints + 1 && hovers >= LineChart.maximumHoverPoints / 2, "\(hovers) hover targets")
        let drawn = svg.firstMatch(of: /<polyline class="line s0" points="([^"]+)"/).map { $0.1.split(separator: " ").count }
        #expect(drawn == 720, "the line itself keeps every sample")
        #expect(svg.utf8.count < 30_000, "\(svg.utf8.count) bytes for one month")
        #expect(svg.contains("— 19.0 %</title>"), "the newest sample is always a hover target")
    }

    @Test func a_gap_in_the_samples_breaks_the_line_and_several_series_are_named_and_dashed() {
        let withGap = hourly(48) { $0 >= 20 && $0 < 30 ? nil : 50 }
        let svg = chart([LineChart.Series(name: "/", points: withGap), LineChart.Series(name: "/srv", points: hourly(48) { _ in 30 })], hours: 48)
        #expect(svg.matches(of: /<polyline class="line s0"/).count == 2, "no line across the missing hours")
        #expect(svg.contains("class=\"line s1\"") && svg.contains(">/srv</text>") && svg.contains("<title>/srv · "))
        let single = chart([LineChart.Series(name: "cpu", points: hourly(48) { _ in 10 })], hours: 48)
        #expect(!single.contains("class=\"legend\"") && !single.contains("cpu · "), "one series needs no legend")
        #expect(chart([LineChart.Series(name: "", points: [])]).contains(">No data</text>"))
    }
}

@Suite("The api's timestamps, read and written without Foundation's formatters")
struct UTCTimestampTests {
    @Test func parsing_agrees_with_foundation_and_refuses_what_is_not_the_apis_format() throws {
        for text in ["2026-12-06T13:05:09Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "2000-03-01T00:00:00+00:00", "1969-07-20T20:17:40Z"] {
            let expected = try Date(text, strategy: .iso8601)
            #expect(UTCTimestamp.parse(text) == expected, "\(text)")
        }
        let fractional = try #require(UTCTimestamp.parse("2026-12-06T13:05:09.250Z"))
        #expect(abs(fractional.timeIntervalSince1970 - (try Date("2026-12-06T13:05:09Z", strategy: .iso8601).timeIntervalSince1970 + 0.25)) < 1e-6)
        for bad in ["", "2026-12-06", "2026-13-06T00:00:00Z", "2026-12-06T24:00:00Z", "2026-12-06T13:05:09", "2026-12-06T13:05:09+02:00",
                    "2026-12-06T13:05:09Zjunk", "2026-12-06 13:05:09Z", "٢٠٢٦-12-06T13:05:09Z"] {
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
            let seconds = Double(Int64(bitPattern: state >> 1) % 12_600_000_000) - 6_300_000_000  // about 1770 to 2170
            let date = Date(timeIntervalSince1970: seconds)
            #expect(UTCTimestamp.format(date, .dayMonthTime) == formatter.string(from: date), "\(seconds)")
        }
        #expect(LineChart.number(-0.04, decimals: 1) == "-0.0" || LineChart.number(-0.04, decimals: 1) == "0.0")
        #expect(LineChart.number(93.46, decimals: 1) == "93.5" && LineChart.number(-2.25, decimals: 1) == "-2.3" && LineChart.number(99.6) == "100")
    }
}
