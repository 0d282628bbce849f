import Foundation
import Hummingbird

/// `/status`: the public status page (no session), from the api's `/status`,
/// `/status/incidents` and `/status/external`: each service with its 15-day half-day bars, the
/// UptimeRobot monitors the same way ("External monitors", only when the api has a key), and the
/// recent incidents.
struct StatusPageController: Sendable {
    let api: APIClient
    let renderer: PageRenderer

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/status") { request, context -> Response in
            let language = PageRenderer.language(of: request, session: nil)
            // Asked first and awaited last: a cold UptimeRobot call runs beside the others.
            async let external = api.anonymous(.get, "/status/external", clientIP: context.clientIP)
            let status = try await api.anonymous(.get, "/status", clientIP: context.clientIP)
            let incidents = try await api.anonymous(.get, "/status/incidents", clientIP: context.clientIP)
            guard status.ok else {
                return renderer.page(
                    "error", title: renderer.text("error_title", language), ["message": renderer.text("api_unavailable", language)],
                    request: request, session: nil, status: .badGateway)
            }
            let overall = status.json["overall_status"] as? String ?? "offline"
            let services = (status.json["services"] as? [String: [String: Any]] ?? [:]).sorted { $0.key < $1.key }.map { name, service -> [String: Any] in
                let uptime = service["uptime_15d"] as? [Double] ?? []
                return [
                    "name": renderer.text("service_\(name)", language), "bars": Self.bars(uptime),
                    "uptime": Self.percent(uptime.isEmpty ? nil : uptime.reduce(0, +) / Double(uptime.count)),
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
            values.merge(Self.external(try? await external, language: language, renderer: renderer)) { $1 }
            // Not cacheable: the page is in the visitor's language (the api caches its data 60 s).
            return renderer.page("status", title: renderer.text("status_title", language), values, request: request, session: nil)
        }
    }

    /// The "External monitors" section's values: none while the api has no UptimeRobot key
    /// (`configured: false`, or an api that cannot say), a notice when UptimeRobot failed (502).
    static func external(_ reply: APIClient.Reply?, language: String, renderer: PageRenderer) -> [String: Any] {
        guard let reply else { return [:] }
        if reply.status == 502 { return ["external": true, "external_unavailable": true] }
        guard reply.ok, reply.json["configured"] as? Bool == true else { return [:] }
        let monitors = (reply.json["monitors"] as? [[String: Any]] ?? []).map { monitor -> [String: Any] in
            let status = monitor["status"] as? String
            return [
                "name": monitor["name"] as? String ?? "", "bars": bars(monitor["uptime_15d"] as? [Double] ?? []),
                "uptime": percent(monitor["uptime_ratio"] as? Double),
                "pill": Pill.make(status == "paused" ? "maintenance" : status == "unknown" ? "info" : pill(status), language: language, renderer: renderer),
            ]
        }
        return ["external": true, "external_monitors": monitors, "external_empty": monitors.isEmpty]
    }

    /// A 15-day strip: one bar per half-day value, coloured by its uptime.
    static func bars(_ uptime: [Double]) -> [[String: Any]] {
        uptime.map { value in ["class": value >= 99.5 ? "up" : (value >= 90 ? "degraded" : "down"), "title": String(format: "%.1f %%", value)] }
    }

    static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.2f %%", $0) } ?? "—"
    }

    static func pill(_ status: String?) -> String {
        switch status {
        case "online": "online"
        case "degraded": "warning"
        default: "critical"
        }
    }
}
