import Foundation

/// The machine page's charts from the api's history points: CPU, RAM, temperature, the disks'
/// usage (the fullest mount points, one line each), network traffic in and out, and latency.
struct MachineCharts {
    let range: (key: String, seconds: TimeInterval, gap: TimeInterval)
    let language: String
    let renderer: PageRenderer

    func charts(metrics: [[String: Any]], network: [[String: Any]], disks: [[String: Any]]) -> [[String: Any]] {
        [
            chart("chart_cpu", unit: " %", maximum: 100, [series("cpu_percent", in: metrics)]),
            chart("chart_ram", unit: " %", maximum: 100, [series("ram_percent", in: metrics)]),
            chart("chart_temperature", unit: " °C", maximum: nil, [series("cpu_temp", in: metrics)]),
            chart("chart_disk", unit: " %", maximum: 100, diskSeries(disks)),
            chart("chart_network_in", unit: " kB/s", maximum: nil, [series("bytes_recv", in: network, scale: 1000)]),
            chart("chart_network_out", unit: " kB/s", maximum: nil, [series("bytes_sent", in: network, scale: 1000)]),
            chart("chart_latency", unit: " ms", maximum: nil, [series("latency_ms", in: network)]),
        ]
    }

    private func chart(_ titleKey: String, unit: String, maximum: Double?, _ series: [LineChart.Series]) -> [String: Any] {
        let title = renderer.text(titleKey, language)
        let end = Date()
        let svg = LineChart(
            title: title, unit: unit, start: end.addingTimeInterval(-range.seconds), end: end, maximum: maximum, gap: range.gap,
            series: series, language: language, empty: renderer.text("no_data", language)
        ).svg
        return ["title": title, "svg": svg]
    }

    /// One value of the api's points, divided by `scale` (bytes/s shown as kB/s).
    private func series(_ key: String, in points: [[String: Any]], scale: Double = 1) -> LineChart.Series {
        LineChart.Series(name: "", points: points.compactMap { point in
            guard let time = Self.time(point["time"]) else { return nil }
            return LineChart.Point(time: time, value: (point[key] as? Double).map { $0 / scale })
        })
    }

    /// A line per mount point, the fullest (by their latest value) first, at most the chart's limit.
    private func diskSeries(_ points: [[String: Any]]) -> [LineChart.Series] {
        var byMount: [String: [LineChart.Point]] = [:]
        for point in points {
            guard let mount = point["mount_point"] as? String, let time = Self.time(point["time"]) else { continue }
            byMount[mount, default: []].append(LineChart.Point(time: time, value: point["used_percent"] as? Double))
        }
        return byMount.map { LineChart.Series(name: $0.key, points: $0.value) }
            .sorted { ($0.points.last?.value ?? 0, $1.name) > ($1.points.last?.value ?? 0, $0.name) }
            .prefix(LineChart.maximumSeries).map { $0 }
    }

    private static func time(_ value: Any?) -> Date? {
        (value as? String).flatMap { try? Date($0, strategy: .iso8601) }
    }
}
