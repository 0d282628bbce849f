import Foundation
import Hummingbird

/// `/machines/{id}`: the machine's facts (status, system, agent, last seen, health, group,
/// labels, maintenance), the admins' actions (``MachineActionsController``), then one tab
/// (`?tab=`, each a URL):
/// - `charts` (the default): CPU, RAM, temperature, disks, network traffic and latency over
///   `?range=1h|24h|7d|30d`, from the history routes, read at once;
/// - `storage`, `services`, `patches`: from `GET /api/machines/{id}` (each collector's latest data);
/// - `security`: the same, with the machine's risk overrides;
/// - `software`: searchable (`?q=`) and paged (`?page=`);
/// - `events`: `GET /api/machines/{id}/events`, a minimum level (`?level=`) and older pages (`?before=`).
///
/// `/machines/{id}/live?part=facts` and `?part=tab&tab=` are the facts and the detail-only tabs
/// alone, which the page's script swaps in every 10 s.
struct MachineController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    let names = MachineNames()
    /// The tabs that show no collector's data ask the api for the machine alone.
    static let tabsWithoutCollectors: Set = ["charts", "events"]
    static let tabs = ["charts", "storage", "services", "security", "software", "patches", "events"]
    /// Built from the detail call alone, so cheap enough to refresh every 10 s.
    static let liveTabs: Set = ["storage", "services", "patches"]
    static let ranges: [(key: String, seconds: TimeInterval, gap: TimeInterval)] = [
        ("1h", 3600, 180), ("24h", 86400, 900), ("7d", 7 * 86400, 3 * 3600), ("30d", 30 * 86400, 3 * 3600),
    ]

    enum Part { case page, facts, tab }

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/machines/:id") { request, context -> Response in
            try await render(request, context, part: .page)
        }
        router.get("/machines/:id/live") { request, context -> Response in
            try await render(request, context, part: request.uri.queryParameters["part"] == "tab" ? .tab : .facts)
        }
    }

    private func render(_ request: Request, _ context: WebRequestContext, part: Part) async throws -> Response {
        let id = try DashboardController.sessionID(context)
        var session = try DashboardController.session(context)
        let language = PageRenderer.language(of: request, session: session)
        guard let machineID = context.parameters.get("id").flatMap(UUID.init(uuidString:))?.uuidString.lowercased() else { throw HTTPError(.notFound) }
        let query = request.uri.queryParameters
        let tab = query["tab"].map(String.init).flatMap { Self.tabs.contains($0) ? $0 : nil } ?? "charts"
        let range = Self.ranges.first { $0.key == query["range"].map(String.init) } ?? Self.ranges[1]
        let withCollectors = part == .tab || (part == .page && !Self.tabsWithoutCollectors.contains(tab))
        let detailPath = "/api/machines/\(machineID)" + (withCollectors ? "" : "?collectors=false")
        // A machine seen before: its charts' histories are asked for with it, not after it.
        let knownName = part == .page && tab == "charts" ? names.hostname(of: machineID) : nil
        let detail: APIClient.Reply
        var histories: [APIClient.Reply] = []
        if let knownName {
            let replies = try await api.getAll(
                [detailPath] + Self.historyPaths(knownName, range: range.key), session: &session, id: id, clientIP: context.clientIP)
            detail = replies[0]
            histories = Array(replies.dropFirst())
        } else {
            detail = try await api.call(.get, detailPath, session: &session, id: id, clientIP: context.clientIP)
        }
        let detailJSON = detail.json // parsed once
        guard detail.ok, let machine = detailJSON["machine"] as? [String: Any], let hostname = machine["hostname"] as? String else {
            if part != .page { return Response(status: .init(code: detail.ok ? 502 : detail.status)) } // the script keeps what it shows
            return renderer.failure(detail, request: request, session: session)
        }
        names.remember(hostname, for: machineID)
        var values = facts(machine, labels: detailJSON["labels"] as? [[String: Any]] ?? [], language: language)
        values["id"] = machineID
        values["tab"] = tab
        values["tab_\(tab)"] = true
        let collectors = detailJSON["collectors"] as? [String: Any] ?? [:]
        switch part {
        case .facts:
            return renderer.fragment("machine-facts", values, request: request, session: session)
        case .tab:
            guard Self.liveTabs.contains(tab) else { throw HTTPError(.notFound) }
            values.merge(MachineTabs.values(tab: tab, collectors: collectors, language: language, renderer: renderer)) { $1 }
            return renderer.fragment("machine-tab", values, request: request, session: session)
        case .page:
            break
        }
        let hostPath = "/api/machines/by-hostname/\(MachineActionsController.pathComponent(hostname))"
        switch tab {
        case "charts":
            if knownName != hostname {
                histories = try await api.getAll(Self.historyPaths(hostname, range: range.key), session: &session, id: id, clientIP: context.clientIP)
            }
            let replies = histories
            values["charts"] = MachineCharts(range: range, language: language, renderer: renderer)
                .charts(metrics: HistoryPoints(replies[0]), network: HistoryPoints(replies[1]), disks: HistoryPoints(replies[2]))
            values["ranges"] = Self.ranges.map { ["key": $0.key, "current": $0.key == range.key] as [String: Any] }
        case "security":
            let overrides = try await api.call(.get, "\(hostPath)/risk-overrides", session: &session, id: id, clientIP: context.clientIP)
            values.merge(
                MachineInventoryTabs.security(
                    collectors, overrides: overrides.ok ? overrides.json["overrides"] as? [[String: Any]] ?? [] : [], language: language, renderer: renderer)
            ) { $1 }
        case "software":
            values.merge(
                MachineInventoryTabs.software(
                    collectors, search: String((query["q"] ?? "").prefix(100)), page: query["page"].flatMap { Int($0) } ?? 1,
                    language: language, renderer: renderer)
            ) { $1 }
        case "events":
            values.merge(try await events(machineID, request: request, session: &session, id: id, context: context, language: language)) { $1 }
        default:
            values.merge(MachineTabs.values(tab: tab, collectors: collectors, language: language, renderer: renderer)) { $1 }
            values["live_tab"] = true
        }
        values["tabs"] = Self.tabs.map { ["key": $0, "label": renderer.text("tab_\($0)", language), "current": $0 == tab] as [String: Any] }
        values["nav_machines"] = true
        if session.role == "admin" {
            let inMaintenance = machine["maintenance_mode"] as? Bool == true
            values["admin"] = [
                "csrf": session.csrfToken, "maintenance_next": inMaintenance ? "false" : "true",
                "maintenance_label": renderer.text(inMaintenance ? "maintenance_stop" : "maintenance_start", language),
                "beta": machine["update_channel"] as? String == "beta", "hostname_query": MachineActionsController.pathComponent(hostname),
            ]
        }
        values.merge(
            try PageCall(request, context, api: api, renderer: renderer).notices(
                ["renewal": "certificate_renewal_requested", "revoked": "machine_certificate_revoked"])
        ) { $1 }
        return renderer.page("machine", title: hostname, values, request: request, session: session)
    }

    static func historyPaths(_ hostname: String, range: String) -> [String] {
        let base = "/api/machines/by-hostname/\(MachineActionsController.pathComponent(hostname))"
        return ["\(base)/metrics?range=\(range)", "\(base)/network-metrics?range=\(range)", "\(base)/disk-metrics?range=\(range)"]
    }

    /// The header card's values.
    private func facts(_ machine: [String: Any], labels: [[String: Any]], language: String) -> [String: Any] {
        let inMaintenance = machine["maintenance_mode"] as? Bool == true
        let status = inMaintenance ? "maintenance" : (machine["status"] as? String ?? "offline")
        let labelTexts = labels.map { label in [label["key"] as? String, label["value"] as? String].compactMap { $0 }.joined(separator: "=") }
        var values: [String: Any] = [
            "hostname": machine["hostname"] as? String ?? "", "pill": Pill.make(status, language: language, renderer: renderer),
            "os": [machine["os"] as? String, machine["os_version"] as? String].compactMap { $0 }.joined(separator: " "),
            "ip": machine["ip_address"] as? String ?? "—", "agent_version": machine["agent_version"] as? String ?? "—",
            "channel": machine["update_channel"] as? String ?? "—",
            "last_seen": Display.dateTime(machine["last_seen"] as? String, language: language),
            "last_sync": Display.dateTime(machine["last_config_sync"] as? String, language: language),
            "health": (machine["health_score"] as? Int).map(String.init) ?? "—", "group": machine["group_name"] as? String ?? "—",
            "labels": labelTexts.isEmpty ? "—" : labelTexts.joined(separator: ", "),
        ]
        if inMaintenance { values["maintenance"] = true }
        return values
    }

    /// The events tab: one page at the chosen minimum level, and a link to the older ones.
    private func events(
        _ machineID: String, request: Request, session: inout WebSession, id: String, context: WebRequestContext, language: String
    ) async throws -> [String: Any] {
        let query = request.uri.queryParameters
        let level = query["level"].map(String.init).flatMap { ["critical", "error", "warning", "info"].contains($0) ? $0 : nil }
        var items = [URLQueryItem(name: "limit", value: "100")]
        if let level { items.append(URLQueryItem(name: "level", value: level)) }
        if let before = query["before"], (try? Date(String(before), strategy: .iso8601)) != nil {
            items.append(URLQueryItem(name: "before", value: String(before)))
        }
        var components = URLComponents()
        components.queryItems = items
        let path = "/api/machines/\(machineID)/events?" + (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        let reply = try await api.call(.get, path, session: &session, id: id, clientIP: context.clientIP)
        let page = reply.ok ? reply.json : [:]
        let events = (page["events"] as? [[String: Any]] ?? []).map { event -> [String: Any] in
            let severity = event["level"] as? String ?? "info"
            return [
                "at": Display.dateTime(event["time"] as? String, language: language),
                "pill": Pill.make(
                    ["critical": "critical", "error": "critical", "warning": "warning"][severity] ?? "info", language: language, renderer: renderer),
                "level": renderer.text("level_\(severity)", language),
                "source": [event["log_name"] as? String, event["source"] as? String].compactMap { $0 }.joined(separator: " · "),
                "message": event["message"] as? String ?? "",
            ]
        }
        var values: [String: Any] = [
            "events": events, "has_events": !events.isEmpty,
            "levels": ["", "critical", "error", "warning", "info"].map { key -> [String: Any] in
                ["key": key, "label": renderer.text(key.isEmpty ? "all" : "level_\(key)", language), "current": key == (level ?? "")]
            },
        ]
        if let next = page["next_before"] as? String {
            var older = URLComponents()
            older.queryItems =
                [URLQueryItem(name: "tab", value: "events"), URLQueryItem(name: "before", value: next)]
                + (level.map { [URLQueryItem(name: "level", value: $0)] } ?? [])
            values["events_older"] = "?" + (older.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        }
        return values
    }
}
