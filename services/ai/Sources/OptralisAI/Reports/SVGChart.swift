import Foundation
import OptralisCore

/// Charts drawn as inline SVG by the service (no script, no external resource), so a report
/// renders the same in a browser, a mail client that shows SVG, or a headless screenshot.
enum SVGChart {
    struct Point {
        let label: String
        let value: Double
        /// The value as the reader's language writes it (bars).
        var display: String? = nil
    }

    /// A line over an area, on a fixed 0–`maximum` scale with grid lines at each quarter; the
    /// first, middle and last labels under the axis.
    static func line(_ points: [Point], maximum: Double = 100, width: Int = 640, height: Int = 200, color: String = "#6366f1", empty: String) -> String {
        let left = 36.0, right = 12.0, top = 12.0, bottom = 28.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" role=\"img\">"
        for quarter in 0...4 {
            let value = maximum * Double(quarter) / 4
            let y = top + plotHeight * (1 - Double(quarter) / 4)
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y))\" stroke=\"#e5e7eb\" stroke-width=\"1\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" font-size=\"10\" text-anchor=\"end\" fill=\"#6b7280\">\(f(value.rounded(.down)))</text>"
        }
        guard !points.isEmpty else {
            svg +=
                "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(top + plotHeight / 2))\" font-size=\"13\" text-anchor=\"middle\" fill=\"#9ca3af\">\(HTMLText.escape(empty))</text>"
            return svg + "</svg>"
        }
        let step = points.count > 1 ? plotWidth / Double(points.count - 1) : 0
        let coordinates = points.enumerated().map { index, point in
            (
                x: points.count > 1 ? left + step * Double(index) : left + plotWidth / 2,
                y: top + plotHeight * (1 - min(max(point.value, 0), maximum) / maximum)
            )
        }
        let path = coordinates.map { "\(f($0.x)),\(f($0.y))" }.joined(separator: " ")
        if coordinates.count > 1 {
            let baseline = f(top + plotHeight)
            svg +=
                "<polygon points=\"\(f(coordinates[0].x)),\(baseline) \(path) \(f(coordinates[coordinates.count - 1].x)),\(baseline)\" fill=\"\(color)\" fill-opacity=\"0.12\"/>"
            svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>"
        }
        for point in coordinates { svg += "<circle cx=\"\(f(point.x))\" cy=\"\(f(point.y))\" r=\"3\" fill=\"\(color)\"/>" }
        for index in Set([0, points.count / 2, points.count - 1]).sorted() {
            let anchor = index == 0 && points.count > 1 ? "start" : (index == points.count - 1 && points.count > 1 ? "end" : "middle")
            svg +=
                "<text x=\"\(f(coordinates[index].x))\" y=\"\(height - 8)\" font-size=\"10\" text-anchor=\"\(anchor)\" fill=\"#6b7280\">\(HTMLText.escape(points[index].label))</text>"
        }
        return svg + "</svg>"
    }

    /// Horizontal bars on a 0–`maximum` scale, one row per point, coloured by `color(value)`.
    static func bars(_ points: [Point], maximum: Double = 100, width: Int = 640, unit: String = "%", color: (Double) -> String) -> String {
        let row = 24.0, labelWidth = 170.0, valueWidth = 56.0
        let height = Int(row * Double(max(points.count, 1)) + 8)
        let barWidth = Double(width) - labelWidth - valueWidth
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" role=\"img\">"
        for (index, point) in points.enumerated() {
            let y = 4 + row * Double(index)
            let length = barWidth * min(max(point.value, 0), maximum) / maximum
            svg +=
                "<text x=\"\(f(labelWidth - 8))\" y=\"\(f(y + 15))\" font-size=\"11\" text-anchor=\"end\" fill=\"#374151\">\(HTMLText.escape(String(point.label.prefix(28))))</text>"
            svg += "<rect x=\"\(f(labelWidth))\" y=\"\(f(y + 4))\" width=\"\(f(barWidth))\" height=\"14\" rx=\"3\" fill=\"#f3f4f6\"/>"
            svg += "<rect x=\"\(f(labelWidth))\" y=\"\(f(y + 4))\" width=\"\(f(length))\" height=\"14\" rx=\"3\" fill=\"\(color(point.value))\"/>"
            svg +=
                "<text x=\"\(f(labelWidth + barWidth + 6))\" y=\"\(f(y + 15))\" font-size=\"11\" fill=\"#111827\">\(HTMLText.escape(point.display ?? f(point.value)))\(HTMLText.escape(unit))</text>"
        }
        return svg + "</svg>"
    }

    /// One decimal at most, `.` as separator (SVG coordinates and axis values).
    private static func f(_ value: Double) -> String {
        Figure.oneDecimal(value) ?? "0"
    }
}
