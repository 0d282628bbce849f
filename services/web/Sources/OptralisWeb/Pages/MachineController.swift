import Foundation
import Hummingbird

/// `/machines/{id}`: the machine's header (status, system, agent, last seen, health, group,
/// labels, maintenance) and its CPU, RAM and temperature over the chosen range (`?range=1h`,
/// `24h`, `7d`, `30d`), from `GET /api/machines/{id}` and the history route. The storage,
/// services, security, software, patches and events tabs come next (issue 18).
struct MachineController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let ranges: [(key: String, seconds: TimeInterval, gap: TimeInterval)] = [
        ("1h", 3600, 180), ("24h", 86400, 900), ("7d", 7 * 86400, 3 * 3600), ("30d", 30 * 86400, 3 * 3600),
    ]

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/machines/:id") { request, context -> Response in
            let id = try DashboardController.sessionID(context)
            var session = try DashboardController.session(context)
            let language = PageRenderer.language(of: request, session: session)
            guard let machineID = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.notFound) }
            let range = Self.ranges.first { $0.key == request.uri.queryParameters["range"].map(String.init) } ?? Self.ranges[1]
            let detail = try await api.call(.get, "/api/machines/\(machineID.uuidString.lowercased())", session: &session, id: id, clientIP: context.remoteAddress)
            guard detail.ok, let machine = detail.json["machine"] as? [String: Any], let hostname = machine["hostname"] as? String else {
                if detail.code == "PASSWORD_CHANGE_REQUIRED" || detail.code == "PASSWORD_EXPIRED" { return .redirect(to: "/settings/password", type: .found) }
                return renderer.page(
                    "error", title: renderer.text("error_title", language), ["message": detail.error ?? renderer.text("api_unavailable", language)],
                    request: request, session: session, status: detail.status == 404 ? .notFound : .badGateway)
            }
            let encodedHost = hostname.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? hostname
            let history = try await api.call(
                .get, "/api/machines/by-hostname/\(encodedHost)/metrics?range=\(range.key)", session: &session, id: id, clientIP: context.remoteAddress)
            let points = history.ok ? history.json["points"] as? [[String: Any]] ?? [] : []
            let end = Date(), start = end.addingTimeInterval(-range.seconds)
            func series(_ key: String) -> [LineChart.Point] {
                points.compactMap { point in
                    guard let time = (point["time"] as? String).flatMap({ try? Date($0, strategy: .iso8601) }) else { return nil }
                    return LineChart.Point(time: time, value: point[key] as? Double)
                }
            }
            func chart(_ key: String, _ titleKey: String, unit: String, maximum: Double?) -> [String: Any] {
                let title = renderer.text(titleKey, language)
                let svg = LineChart(
                    title: title, unit: unit, start: start, end: end, maximum: maximum, gap: range.gap, points: series(key), language: language,
                    empty: renderer.text("no_data", language)
                ).svg
                return ["title": title, "svg": svg]
            }
            let status = machine["maintenance_mode"] as? Bool == true ? "maintenance" : (machine["status"] as? String ?? "offline")
            let labels = (detail.json["labels"] as? [[String: Any]] ?? []).map { label -> String in
                [label["key"] as? String, label["value"] as? String].compactMap { $0 }.joined(separator: "=")
            }
            var values: [String: Any] = [
                "hostname": hostname, "id": machineID.uuidString.lowercased(), "pill": Pill.make(status, language: language, renderer: renderer),
                "os": [machine["os"] as? String, machine["os_version"] as? String].compactMap { $0 }.joined(separator: " "),
                "ip": machine["ip_address"] as? String ?? "—", "agent_version": machine["agent_version"] as? String ?? "—",
                "channel": machine["update_channel"] as? String ?? "—",
                "last_seen": Display.dateTime(machine["last_seen"] as? String, language: language),
                "health": (machine["health_score"] as? Int).map(String.init) ?? "—", "group": machine["group_name"] as? String ?? "—",
                "labels": labels.isEmpty ? "—" : labels.joined(separator: ", "),
                "charts": [
                    chart("cpu_percent", "chart_cpu", unit: " %", maximum: 100), chart("ram_percent", "chart_ram", unit: " %", maximum: 100),
                    chart("cpu_temp", "chart_temperature", unit: " °C", maximum: nil),
                ],
                "ranges": Self.ranges.map { ["key": $0.key, "current": $0.key == range.key] as [String: Any] },
                "nav_machines": true,
            ]
            if machine["maintenance_mode"] as? Bool == true { values["maintenance"] = true }
            return renderer.page("machine", title: hostname, values, request: request, session: session)
        }
    }
}
