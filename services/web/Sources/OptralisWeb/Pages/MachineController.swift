import Foundation
import Hummingbird

/// `/machines/{id}`: the machine's header (status, system, agent, last seen, health, group,
/// labels, maintenance), then one tab (`?tab=`, each a URL): the CPU, RAM and temperature over
/// the chosen range (`?range=1h`, `24h`, `7d`, `30d`, the default tab) with the network's
/// traffic and latency, storage (volumes and
/// S.M.A.R.T. per disk) and services (failed first), from
/// `GET /api/machines/{id}` (its collectors' latest data) and the history route. Admins get the
/// actions' forms (``MachineActionsController``).
struct MachineController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let tabs = ["charts", "storage", "services"]
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
            let detail = try await api.call(.get, "/api/machines/\(machineID.uuidString.lowercased())", session: &session, id: id, clientIP: context.clientIP)
            guard detail.ok, let machine = detail.json["machine"] as? [String: Any], let hostname = machine["hostname"] as? String else {
                if detail.code == "PASSWORD_CHANGE_REQUIRED" || detail.code == "PASSWORD_EXPIRED" { return .redirect(to: "/settings/password", type: .found) }
                return renderer.page(
                    "error", title: renderer.text("error_title", language), ["message": detail.error ?? renderer.text("api_unavailable", language)],
                    request: request, session: session, status: detail.status == 404 ? .notFound : .badGateway)
            }
            let tab = Self.tabs.contains(request.uri.queryParameters["tab"].map(String.init) ?? "") ? String(request.uri.queryParameters["tab"]!) : "charts"
            var points: [[String: Any]] = [], network: [[String: Any]] = []
            if tab == "charts" {
                let base = "/api/machines/by-hostname/\(MachineActionsController.pathComponent(hostname))"
                let history = try await api.call(.get, "\(base)/metrics?range=\(range.key)", session: &session, id: id, clientIP: context.clientIP)
                points = history.ok ? history.json["points"] as? [[String: Any]] ?? [] : []
                let traffic = try await api.call(.get, "\(base)/network-metrics?range=\(range.key)", session: &session, id: id, clientIP: context.clientIP)
                network = traffic.ok ? traffic.json["points"] as? [[String: Any]] ?? [] : []
            }
            let end = Date(), start = end.addingTimeInterval(-range.seconds)
            /// One value of the api's points, divided by `scale` (bytes/s shown as kB/s).
            func series(_ key: String, in points: [[String: Any]], scale: Double) -> [LineChart.Point] {
                points.compactMap { point in
                    guard let time = (point["time"] as? String).flatMap({ try? Date($0, strategy: .iso8601) }) else { return nil }
                    return LineChart.Point(time: time, value: (point[key] as? Double).map { $0 / scale })
                }
            }
            func chart(
                _ key: String, _ titleKey: String, unit: String, maximum: Double?, from source: [[String: Any]]? = nil, scale: Double = 1
            ) -> [String: Any] {
                let title = renderer.text(titleKey, language)
                let svg = LineChart(
                    title: title, unit: unit, start: start, end: end, maximum: maximum, gap: range.gap,
                    points: series(key, in: source ?? points, scale: scale), language: language,
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
                    chart("bytes_recv", "chart_network_in", unit: " kB/s", maximum: nil, from: network, scale: 1000),
                    chart("bytes_sent", "chart_network_out", unit: " kB/s", maximum: nil, from: network, scale: 1000),
                    chart("latency_ms", "chart_latency", unit: " ms", maximum: nil, from: network),
                ],
                "ranges": Self.ranges.map { ["key": $0.key, "current": $0.key == range.key] as [String: Any] },
                "nav_machines": true,
            ]
            if machine["maintenance_mode"] as? Bool == true { values["maintenance"] = true }
            values["tabs"] = Self.tabs.map { ["key": $0, "label": renderer.text("tab_\($0)", language), "current": $0 == tab] as [String: Any] }
            values["tab_\(tab)"] = true
            let collectors = detail.json["collectors"] as? [String: Any] ?? [:]
            values.merge(MachineTabs.values(tab: tab, collectors: collectors, language: language, renderer: renderer)) { $1 }
            if session.user.role == "admin" {
                values["admin"] = ["csrf": session.csrfToken, "maintenance_next": machine["maintenance_mode"] as? Bool == true ? "false" : "true",
                                   "maintenance_label": renderer.text(machine["maintenance_mode"] as? Bool == true ? "maintenance_stop" : "maintenance_start", language),
                                   "beta": machine["update_channel"] as? String == "beta", "hostname_query": MachineActionsController.pathComponent(hostname)]
            }
            if request.uri.queryParameters["done"] != nil { values["done"] = renderer.text("action_done", language) }
            if let failed = request.uri.queryParameters["failed"] {
                values["failed"] = renderer.text("action_failed", language) + " (" + String(failed.prefix(40).filter { $0.isUppercase || $0 == "_" }) + ")"
            }
            return renderer.page("machine", title: hostname, values, request: request, session: session)
        }
    }
}
