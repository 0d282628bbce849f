import Foundation
import OptralisCore

/// A time-series line drawn as inline SVG on the server: time on x over the whole range, values
/// on y with ticks and a unit, a gap wherever samples are missing (never a line across it), and a
/// `<title>` on each point for the value under the pointer. No script, no external resource.
/// Several series (a disk's mount points) differ by dash pattern as well as colour, and are
/// named in a legend, so they read without colour.
struct LineChart: Sendable {
    struct Point: Sendable {
        let time: Date
        let value: Double?
    }

    struct Series: Sendable {
        /// Shown in the legend and the hover text when the chart has more than one series.
        var name: String
        var points: [Point]
    }

    var title: String
    var unit: String
    var start: Date
    var end: Date
    /// Fixed upper bound (100 for percentages); nil: from the data, rounded up.
    var maximum: Double?
    /// Two samples further apart than this are not joined.
    var gap: TimeInterval
    var series: [Series]
    var empty: String

    /// At most this many series are drawn, each with its own class (`s0`…).
    static let maximumSeries = 4
    /// Samples of one series that get a hover target (with its `<title>`).
    static let maximumHoverPoints = 120
    static let width = 720.0, height = 200.0
    static let left = 44.0, right = 12.0, top = 14.0, bottom = 26.0

    var svg: String {
        let plotWidth = Self.width - Self.left - Self.right, plotHeight = Self.height - Self.top - Self.bottom
        let drawn = Array(series.prefix(Self.maximumSeries))
        let values = drawn.flatMap { $0.points.compactMap(\.value) }
        let top = maximum ?? Self.niceCeiling(values.max() ?? 1)
        let span = max(end.timeIntervalSince(start), 1)
        func x(_ time: Date) -> Double { Self.left + plotWidth * min(max(time.timeIntervalSince(start) / span, 0), 1) }
        func y(_ value: Double) -> Double { Self.top + plotHeight * (1 - min(max(value, 0), top) / top) }

        let axis: UTCTimestamp.Pattern = span > 2 * 86400 ? .dayMonth : .time
        let unit = HTMLText.escape(self.unit)
        var svg =
            "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\">"
        for step in 0...4 {
            let value = top * Double(step) / 4
            let lineY = y(value)
            svg += "<line class=\"grid\" x1=\"\(f(Self.left))\" y1=\"\(f(lineY))\" x2=\"\(f(Self.left + plotWidth))\" y2=\"\(f(lineY))\"/>"
            svg += "<text class=\"tick\" x=\"\(f(Self.left - 6))\" y=\"\(f(lineY + 4))\" text-anchor=\"end\">\(Self.number(value))\(unit)</text>"
        }
        for index in 0...4 {
            let time = start.addingTimeInterval(span * Double(index) / 4)
            let anchor = index == 0 ? "start" : (index == 4 ? "end" : "middle")
            svg += "<text class=\"tick\" x=\"\(f(x(time)))\" y=\"\(f(Self.height - 6))\" text-anchor=\"\(anchor)\">\(UTCTimestamp.format(time, axis))</text>"
        }
        guard !values.isEmpty else {
            svg +=
                "<text class=\"empty\" x=\"\(f(Self.left + plotWidth / 2))\" y=\"\(f(Self.top + plotHeight / 2))\" text-anchor=\"middle\">\(HTMLText.escape(empty))</text>"
            return svg + "</svg>"
        }
        let named = drawn.count > 1
        for (index, line) in drawn.enumerated() {
            let style = "line s\(index)"
            // Runs of consecutive samples, each its own polyline.
            var runs: [[(Double, Double)]] = [[]]
            var previous: Date?
            for point in line.points.sorted(by: { $0.time < $1.time }) {
                guard let value = point.value else {
                    runs.append([])
                    previous = nil
                    continue
                }
                if let previous, point.time.timeIntervalSince(previous) > gap { runs.append([]) }
                runs[runs.count - 1].append((x(point.time), y(value)))
                previous = point.time
            }
            for run in runs where !run.isEmpty {
                if run.count == 1 {
                    svg += "<circle class=\"\(style)\" cx=\"\(f(run[0].0))\" cy=\"\(f(run[0].1))\" r=\"2\"/>"
                } else {
                    svg += "<polyline class=\"\(style)\" points=\"\(run.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " "))\"/>"
                }
            }
            let prefix = named ? HTMLText.escape(line.name) + " · " : ""
            // Hover targets for every sample would weigh ~150 bytes each (a month of hourly
            // points: 100 KB a chart) for more targets than the plot has room for; every n-th.
            let valued = line.points.filter { $0.value != nil }
            let step = max(1, (valued.count + Self.maximumHoverPoints - 1) / Self.maximumHoverPoints)
            for (index, point) in valued.enumerated() where index % step == 0 || index == valued.count - 1 {
                guard let value = point.value else { continue }
                svg +=
                    "<circle class=\"hover\" cx=\"\(f(x(point.time)))\" cy=\"\(f(y(value)))\" r=\"5\"><title>\(prefix)\(UTCTimestamp.format(point.time, .dayMonthTime)) — \(Self.number(value, decimals: 1))\(unit)</title></circle>"
            }
        }
        if named { svg += legend(drawn) }
        return svg + "</svg>"
    }

    /// A row of "sample line + name" along the top of the plot, right-aligned.
    private func legend(_ drawn: [Series]) -> String {
        var legend = "<g class=\"legend\">"
        var right = Self.width - Self.right
        for (index, line) in drawn.enumerated().reversed() {
            let name = String(line.name.prefix(24))
            let textWidth = Double(name.count) * 6 + 4
            let start = right - textWidth - 20
            legend += "<line class=\"line s\(index)\" x1=\"\(f(start))\" y1=\"8\" x2=\"\(f(start + 16))\" y2=\"8\"/>"
            legend += "<text class=\"tick\" x=\"\(f(start + 20))\" y=\"11\">\(HTMLText.escape(name))</text>"
            right = start - 10
        }
        return legend + "</g>"
    }

    /// 1, 2 or 5 × a power of ten, at or above `value`.
    static func niceCeiling(_ value: Double) -> Double {
        guard value.isFinite, value > 0 else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        for factor in [1.0, 2.0, 5.0, 10.0] where factor * magnitude >= value { return factor * magnitude }
        return 10 * magnitude
    }

    /// A coordinate with at most one decimal, by integer arithmetic (thousands per page).
    private func f(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e9 else { return "0" }
        let tenths = Int((value * 10).rounded())
        let whole = "\(tenths < 0 ? "-" : "")\(abs(tenths) / 10)"
        return tenths % 10 == 0 ? whole : whole + ".\(abs(tenths) % 10)"
    }

    /// `value` with no or one decimal (what the charts and tables show); `String(format:)` was
    /// a noticeable part of a machine page.
    static func number(_ value: Double, decimals: Int = 0) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "—" }
        guard decimals > 0 else { return String(Int(value.rounded())) }
        let tenths = Int((value * 10).rounded())
        return (tenths < 0 ? "-" : "") + "\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }
}
