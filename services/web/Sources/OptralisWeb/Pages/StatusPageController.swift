import Foundation
import Hummingbird

/// `/status`: the public status page (no session), from the api's `/status` and
/// `/status/incidents`: each service with its 15-day half-day bars, and the recent incidents.
struct StatusPageController: Sendable {
    let api: APIClient
    let renderer: PageRenderer

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/status") { request, context -> Response in
            let language = PageRenderer.language(of: request, session: nil)
            let status = try await api.anonymous(.get, "/status", clientIP: context.clientIP)
            let incidents = try await api.anonymous(.get, "/status/incidents", clientIP: context.clientIP)
            guard status.ok else {
                return renderer.page(
                    "error", title: renderer.text("error_title", language), ["message": renderer.text("api_unavailable", language)],
                    request: request, session: nil, status: .badGateway)
            }
            let overall = status.json["overall_status"] as? String ?? "offline"
            let services = (status.json["services"] as? [String: [String: Any]] ?? [:]).sorted { $0.key < $1.key }.map { name, service -> [String: Any] in
                let bars = (service["uptime_15d"] as? [Double] ?? []).map { value -> [String: Any] in
                    ["class": value >= 99.5 ? "up" : (value >= 90 ? "degraded" : "down"), "title": String(format: "%.1f %%", value)]
                }
                let average = bars.isEmpty ? nil : (service["uptime_15d"] as? [Double] ?? []).reduce(0, +) / Double(bars.count)
                return [
                    "name": renderer.text("service_\(name)", language), "bars": bars,
                    "uptime": average.map { String(format: "%.2f %%", $0) } ?? "—",
                    "pill": Pill.make(Self.pill(service["status"] as? String), language: language, renderer: renderer),
                ]
            }
            var values: [String: Any] = [
                "services": services, "pill": Pill.make(Self.pill(overall), language: language, renderer: renderer),
                "headline": renderer.text("status_headline_\(overall == "online" ? "ok" : "issues")", language),
            ]
            let recent = (incidents.ok ? incidents.json["incidents"] as? [[String: Any]] ?? [] : []).prefix(10).map { incident -> [String: Any] in
                [
                    "service": renderer.text("service_\(incident["service_name"] as? String ?? "")", language),
                    "description": incident["description"] as? String ?? "",
                    "started": Display.dateTime(incident["started_at"] as? String, language: language),
                    "resolved": Display.dateTime(incident["resolved_at"] as? String, language: language),
                ]
            }
            values["incidents"] = Array(recent)
            values["has_incidents"] = !recent.isEmpty
            // Not cacheable: the page is in the visitor's language (the api caches its data 60 s).
            return renderer.page("status", title: renderer.text("status_title", language), values, request: request, session: nil)
        }
    }

    static func pill(_ status: String?) -> String {
        switch status {
        case "online": "online"
        case "degraded": "warning"
        default: "critical"
        }
    }
}
