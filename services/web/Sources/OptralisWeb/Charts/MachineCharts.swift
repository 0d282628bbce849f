import Foundation
import OptralisCore

/// The machine page's charts from the api's history points: CPU, RAM, temperature, the disks'
/// usage (the fullest mount points, one line each), network traffic in and out, and latency.
struct MachineCharts {
    let range: (key: String, seconds: TimeInterval, gap: TimeInterval)
    let language: String
    let renderer: PageRenderer

    func charts(metrics: HistoryPoints, network: HistoryPoints, disks: HistoryPoints) -> [[String: Any]] {
        [
            chart("chart_cpu", unit: " %", maximum: 100, [series(\.cpuPercent, in: metrics)]),
            chart("chart_ram", unit: " %", maximum: 100, [series(\.ramPercent, in: metrics)]),
            chart("chart_temperature", unit: " °C", maximum: nil, [series(\.cpuTemp, in: metrics)]),
            chart("chart_disk", unit: " %", maximum: 100, diskSeries(disks)),
            chart("chart_network_in", unit: " kB/s", maximum: nil, [series(\.bytesRecv, in: network, scale: 1000)]),
            chart("chart_network_out", unit: " kB/s", maximum: nil, [series(\.bytesSent, in: network, scale: 1000)]),
            chart("chart_latency", unit: " ms", maximum: nil, [series(\.latencyMs, in: network)]),
        ]
    }

    private func chart(_ titleKey: String, unit: String, maximum: Double?, _ series: [LineChart.Series]) -> [String: Any] {
        let title = renderer.text(titleKey, language)
        let end = Date()
        let svg = LineChart(
            title: title, unit: unit, start: end.addingTimeInterval(-range.seconds), end: end, maximum: maximum, gap: range.gap,
            series: series, empty: renderer.text("no_data", language)
        ).svg
        return ["title": title, "svg": svg]
    }

    /// One value of the api's points, divided by `scale` (bytes/s shown as kB/s).
    private func series(_ value: KeyPath<HistoryPoints.Point, Double?>, in history: HistoryPoints, scale: Double = 1) -> LineChart.Series {
        LineChart.Series(
            name: "",
            points: history.points.compactMap { point in
                guard let time = UTCTimestamp.parse(point.time) else { return nil }
                return LineChart.Point(time: time, value: point[keyPath: value].map { $0 / scale })
            })
    }

    /// A line per mount point, the fullest (by their latest value) first, at most the chart's limit.
    private func diskSeries(_ history: HistoryPoints) -> [LineChart.Series] {
        var byMount: [String: [LineChart.Point]] = [:]
        for point in history.points {
            guard let mount = point.mountPoint, let time = UTCTimestamp.parse(point.time) else { continue }
            byMount[mount, default: []].append(LineChart.Point(time: time, value: point.usedPercent))
        }
        return byMount.map { LineChart.Series(name: $0.key, points: $0.value) }
            .sorted { ($0.points.last?.value ?? 0, $1.name) > ($1.points.last?.value ?? 0, $0.name) }
            .prefix(LineChart.maximumSeries).map { $0 }
    }
}
