import Foundation
import OptralisCore

/// One trace as a waterfall, drawn on the server as inline SVG (the dashboard's CSP allows no
/// inline style): a row per span in the api's tree order, its name indented by depth on the
/// left, a bar from its start to its end on the trace's time axis on the right (error spans in
/// their own class), and a `<title>` with the figures for the pointer. At most
/// ``maximumRows`` rows.
struct Waterfall: Sendable {
    struct Span: Sendable {
        let name: String
        let service: String?
        let depth: Int
        let offsetNs: Int64
        let durationNs: Int64
        let error: Bool
        let message: String?
    }

    static let maximumRows = 500
    static let width = 960.0, rowHeight = 22.0, labelWidth = 300.0, right = 70.0

    let durationNs: Int64
    let spans: [Span]

    init(_ json: [String: Any]) {
        durationNs = Self.int64(json["duration_ns"])
        spans = (json["spans"] as? [[String: Any]] ?? []).prefix(Self.maximumRows).map { span in
            Span(
                name: span["name"] as? String ?? "", service: span["service_name"] as? String, depth: span["depth"] as? Int ?? 0,
                offsetNs: Self.int64(span["offset_ns"]), durationNs: Self.int64(span["duration_ns"]), error: span["status_code"] as? Int == 2,
                message: span["status_message"] as? String)
        }
    }

    static func int64(_ value: Any?) -> Int64 { (value as? Int).map(Int64.init) ?? (value as? Double).flatMap { Int64(exactly: $0.rounded()) } ?? 0 }

    func svg(language: String) -> String {
        let height = Double(spans.count) * Self.rowHeight + 24
        let plot = Self.width - Self.labelWidth - Self.right
        let total = Double(max(durationNs, 1))
        func f(_ value: Double) -> String { String(format: "%.1f", value) }
        var svg = "<svg class=\"waterfall\" viewBox=\"0 0 \(f(Self.width)) \(f(height))\" role=\"img\" aria-label=\"waterfall\">"
        // The time axis: 0, a quarter, half, three quarters, the whole.
        for step in 0...4 {
            let x = Self.labelWidth + plot * Double(step) / 4
            svg += "<line class=\"grid\" x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"0\" y2=\"\(f(height - 16))\"/>"
            svg +=
                "<text class=\"tick\" x=\"\(f(x))\" y=\"\(f(height - 4))\" text-anchor=\"middle\">\(APMController.duration(Int64(total * Double(step) / 4)))</text>"
        }
        for (row, span) in spans.enumerated() {
            let y = Double(row) * Self.rowHeight
            let x = Self.labelWidth + plot * Double(max(span.offsetNs, 0)) / total
            let width = max(plot * Double(max(span.durationNs, 0)) / total, 1.5)
            let hover = HTMLText.escape(
                "\(span.name) — \(APMController.duration(span.durationNs)) (+\(APMController.duration(span.offsetNs)))\(span.service.map { " · \($0)" } ?? "")\(span.message.map { " · \($0)" } ?? "")"
            )
            svg += "<g class=\"span\(span.error ? " error" : "")\"><title>\(hover)</title>"
            svg +=
                "<text class=\"label\" x=\"\(f(4 + Double(min(span.depth, 12)) * 12))\" y=\"\(f(y + 15))\">\(HTMLText.escape(String(span.name.prefix(40))))</text>"
            svg += "<rect class=\"bar\" x=\"\(f(x))\" y=\"\(f(y + 4))\" width=\"\(f(width))\" height=\"\(f(Self.rowHeight - 8))\" rx=\"2\"/>"
            svg +=
                "<text class=\"tick\" x=\"\(f(min(x + width + 4, Self.width - Self.right + 4)))\" y=\"\(f(y + 15))\">\(APMController.duration(span.durationNs))</text></g>"
        }
        return svg + "</svg>"
    }
}
