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

    @Test func numbers_have_no_or_one_decimal() {
        #expect(LineChart.number(93.46, decimals: 1) == "93.5" && LineChart.number(-2.25, decimals: 1) == "-2.3" && LineChart.number(99.6) == "100")
        #expect(LineChart.number(.nan) == "—" && LineChart.number(0.04, decimals: 1) == "0.0")
    }
}
