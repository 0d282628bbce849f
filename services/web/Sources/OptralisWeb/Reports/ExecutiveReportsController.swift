import Foundation
import Hummingbird

/// `/reports`: the executive report of the last 7 days (`GET /api/reports/executive/weekly`) as
/// KPIs and recommendations, and the weekly and monthly PDFs, streamed back from the api as it
/// sent them (type and file name). Below Essentials the api serves the simple content and
/// refuses the PDF: the page says so instead of offering the links. docs/reports.md.
struct ExecutiveReportsController: Sendable {
    let api: APIClient
    let renderer: PageRenderer

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/reports") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let reply = try await call.call(.get, "/api/reports/executive/weekly")
            guard reply.ok else { return call.failure(reply) }
            let report = reply.json
            func percent(_ value: Any?) -> String { (value as? Double).map { LineChart.number($0, decimals: 1) + " %" } ?? "—" }
            var tiles: [[String: Any]] = []
            if let summary = report["summary"] as? [String: Any] {
                tiles.append(["label": call.text("nav_machines"), "value": String(summary["machine_count"] as? Int ?? 0)])
                tiles.append(["label": call.text("reports_availability"), "value": percent(summary["availability_percent"])])
            }
            if let alerts = report["alerts"] as? [String: Any] {
                tiles.append(["label": call.text("nav_alerts"), "value": String(alerts["total"] as? Int ?? 0)])
            }
            if let health = report["health"] as? [String: Any] {
                tiles.append([
                    "label": call.text("reports_health_score"), "value": (health["fleet_score"] as? Double).map { LineChart.number($0, decimals: 1) } ?? "—",
                ])
            }
            if let cpu = (report["resources"] as? [String: Any])?["cpu"] as? [String: Any] {
                var tile: [String: Any] = ["label": call.text("reports_average_cpu"), "value": percent(cpu["average"])]
                if let trend = cpu["trend"] as? Double { tile["note"] = (trend >= 0 ? "+" : "") + LineChart.number(trend, decimals: 1) + " pts" }
                tiles.append(tile)
            }
            let recommendations = (report["recommendations"] as? [[String: Any]] ?? []).map { item -> [String: Any] in
                [
                    "text": item["text"] as? String ?? "",
                    "pill": Pill.make(item["severity"] as? String ?? "info", language: call.language, renderer: renderer),
                    "severity": renderer.text("severity_\(item["severity"] as? String ?? "info")", call.language),
                ]
            }
            let values: [String: Any] = [
                "nav_reports": true, "tiles": tiles, "recommendations": recommendations, "has_recommendations": !recommendations.isEmpty,
                "pdf": report["level"] as? String == "complete",
            ]
            return call.page("reports", title: call.text("nav_reports"), values)
        }
        for kind in ["weekly", "monthly"] {
            router.get("/reports/\(kind).pdf") { request, context -> Response in
                var call = try PageCall(request, context, api: api, renderer: renderer)
                return call.download(try await call.call(.get, "/api/reports/executive/\(kind)?format=pdf"))
            }
        }
    }
}
