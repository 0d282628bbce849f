import Foundation
import Hummingbird
import OptralisCore

/// The pages behind a login: `/` (the overview) and `/machines` (the list), each built from the
/// api's routes with the user's tokens. `/machines/rows` is the list's body alone, which the
/// page's script fetches every 10 s; without script the page is whole and reloads by hand.
struct DashboardController: Sendable {
    let api: APIClient
    let renderer: PageRenderer

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/") { request, context -> Response in
            let id = try Self.sessionID(context)
            var session = try Self.session(context)
            if session.isPlatform { return .redirect(to: "/admin", type: .found) }
            let overview = try await api.call(.get, "/api/overview", session: &session, id: id, clientIP: context.clientIP)
            let history = try await api.call(.get, "/api/alert-rules/history?limit=10", session: &session, id: id, clientIP: context.clientIP)
            let language = PageRenderer.language(of: request, session: session)
            guard overview.ok else { return renderer.failure(overview, request: request, session: session) }
            let o = overview.json
            var values: [String: Any] = [
                "total": o["total"] as? Int ?? 0, "online": o["online"] as? Int ?? 0, "offline": o["offline"] as? Int ?? 0,
                "alerting": o["alerting"] as? Int ?? 0, "maintenance": o["maintenance"] as? Int ?? 0,
                "health": (o["average_health_score"] as? Double).map { String(Int($0.rounded())) } ?? "—", "nav_overview": true,
            ]
            let problems = (o["top_problems"] as? [[String: Any]] ?? []).map { problem -> [String: Any] in
                let severity = problem["severity"] as? String ?? "warning"
                return [
                    "machine_id": problem["machine_id"] as? String ?? "", "hostname": problem["hostname"] as? String ?? "",
                    "detail": problem["detail"] as? String ?? "", "pill": Pill.make(severity, language: language, renderer: renderer),
                ]
            }
            values["problems"] = problems
            values["has_problems"] = !problems.isEmpty
            let alerts = (history.ok ? history.json["history"] as? [[String: Any]] ?? [] : []).map { entry -> [String: Any] in
                [
                    "machine_id": entry["machine_id"] as? String ?? "", "hostname": entry["machine_hostname"] as? String ?? "—",
                    "rule": entry["rule_name"] as? String ?? "", "at": Display.dateTime(entry["triggered_at"] as? String, language: language),
                    "pill": Pill.make(
                        entry["resolved_at"] is String ? "resolved" : (entry["severity"] as? String ?? "warning"), language: language, renderer: renderer),
                ]
            }
            values["alerts"] = alerts
            values["has_alerts"] = !alerts.isEmpty
            return renderer.page("overview", title: renderer.text("nav_overview", language), values, request: request, session: session)
        }
        router.get("/machines") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            // Sites answer 403 below Business: then the list has no site filter or action.
            let replies = try await call.get(["/api/machines" + Self.listQuery(request), "/api/groups", "/api/sites"] + (call.isAdmin ? ["/api/labels"] : []))
            guard replies[0].ok else { return call.failure(replies[0]) }
            let groups = replies[1].ok ? replies[1].list : [], sites = replies[2].ok ? replies[2].list : []
            var values = listValues(replies[0], request: request, session: call.session)
            values.merge(filterValues(request, groups: groups, sites: sites, session: call.session)) { $1 }
            if call.isAdmin {
                values["batch"] = MachineBatchController.formValues(
                    groups: groups, labels: replies[3].ok ? replies[3].list : [], sites: sites, back: "/machines" + Self.listQuery(request), call: call)
            }
            values.merge(call.notices(["batch": "batch_done"])) { $1 }
            return call.page("machines", title: call.text("nav_machines"), values)
        }
        router.get("/machines/export") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return call.download(try await call.call(.get, "/api/export/machines" + Self.listQuery(request, replacing: ["page": nil, "limit": nil])))
        }
        router.get("/machines/rows") { request, context -> Response in
            let id = try Self.sessionID(context)
            var session = try Self.session(context)
            let reply = try await api.call(.get, "/api/machines" + Self.listQuery(request), session: &session, id: id, clientIP: context.clientIP)
            guard reply.ok else { return renderer.failure(reply, request: request, session: session) }
            var values = listValues(reply, request: request, session: session)
            if session.role == "admin" { values["batch"] = true }
            return renderer.fragment("machine-rows", values, request: request, session: session)
        }
    }

    static func session(_ context: WebRequestContext) throws -> WebSession {
        guard let session = context.session else { throw APIClient.Failure.loggedOut }
        return session
    }

    static func sessionID(_ context: WebRequestContext) throws -> String {
        guard let id = context.sessionID else { throw APIClient.Failure.loggedOut }
        return id
    }

    /// The list's filters as the api takes them, passed through (the api bounds and checks them).
    /// The form's one `label` field takes `key` or `key=value`, split here into the api's two.
    static let listParameters = ["search", "status", "group_id", "site_id", "label", "label_value", "os", "sort", "order", "page", "limit"]
    /// The columns the list sorts by (the api's `sort` values).
    static let sortable = ["hostname", "os", "last_seen", "health_score"]
    static let systems = ["linux", "windows", "macos"]

    static func listQuery(_ request: Request, replacing overrides: [String: String?] = [:]) -> String {
        var values: [String: String] = [:]
        for name in listParameters {
            if let value = request.uri.queryParameters[Substring(name)], !value.isEmpty { values[name] = String(value) }
        }
        if let label = values["label"], values["label_value"] == nil, let equals = label.firstIndex(of: "=") {
            values["label_value"] = String(label[label.index(after: equals)...])
            values["label"] = String(label[..<equals])
        }
        for (name, value) in overrides { values[name] = value }
        let items = listParameters.compactMap { name -> URLQueryItem? in
            guard let value = values[name], !value.isEmpty else { return nil }
            return URLQueryItem(name: name, value: value)
        }
        guard !items.isEmpty else { return "" }
        var components = URLComponents()
        components.queryItems = items
        return "?" + (components.percentEncodedQuery ?? "")
    }

    /// The filter form's current choices, and the column headers' sort links (a second click on
    /// the sorted column reverses it).
    private func filterValues(_ request: Request, groups: [[String: Any]], sites: [[String: Any]], session: WebSession) -> [String: Any] {
        let language = PageRenderer.language(of: request, session: session)
        let query = request.uri.queryParameters
        let group = query["group_id"].map(String.init) ?? "", os = query["os"].map(String.init) ?? ""
        let site = query["site_id"].map(String.init) ?? ""
        var label = query["label"].map(String.init) ?? ""
        if let value = query["label_value"], !value.isEmpty { label += "=" + value }
        return [
            "groups": groups.map {
                ["id": $0["id"] as? String ?? "", "name": $0["name"] as? String ?? "", "current": ($0["id"] as? String) == group] as [String: Any]
            },
            "has_groups": !groups.isEmpty,
            "sites": sites.map {
                ["id": $0["id"] as? String ?? "", "name": $0["name"] as? String ?? "", "current": ($0["id"] as? String) == site] as [String: Any]
            },
            "has_sites": !sites.isEmpty,
            "systems": Self.systems.map { ["key": $0, "label": renderer.text("os_\($0)", language), "current": $0 == os] as [String: Any] },
            "label_filter": label,
        ]
    }

    private func sortLinks(_ request: Request) -> [String: Any] {
        let current = request.uri.queryParameters["sort"].map(String.init) ?? "hostname"
        let descending = request.uri.queryParameters["order"] == "desc"
        var links: [String: Any] = [:]
        for column in Self.sortable {
            let reverse = column == current && !descending
            links[column] =
                [
                    "href": "/machines" + Self.listQuery(request, replacing: ["sort": column, "order": reverse ? "desc" : nil, "page": nil]),
                    "sorted": column == current ? (descending ? "descending" : "ascending") : "none",
                    "arrow": column == current ? (descending ? "↓" : "↑") : "",
                ] as [String: Any]
        }
        return links
    }

    private func listValues(_ reply: APIClient.Reply, request: Request, session: WebSession) -> [String: Any] {
        let language = PageRenderer.language(of: request, session: session)
        let machines = (reply.json["machines"] as? [[String: Any]] ?? []).map { machine -> [String: Any] in
            let status = machine["maintenance_mode"] as? Bool == true ? "maintenance" : (machine["status"] as? String ?? "offline")
            return [
                "id": machine["id"] as? String ?? "", "hostname": machine["hostname"] as? String ?? "",
                "os": [machine["os"] as? String, machine["os_version"] as? String].compactMap { $0 }.joined(separator: " "),
                "agent_version": machine["agent_version"] as? String ?? "—",
                "last_seen": Display.dateTime(machine["last_seen"] as? String, language: language),
                "health": (machine["health_score"] as? Int).map(String.init) ?? "—",
                "cpu": Self.percent(machine["cpu_percent"]), "ram": Self.percent(machine["ram_percent"]), "disk": Self.percent(machine["disk_percent"]),
                "pill": Pill.make(status, language: language, renderer: renderer),
            ]
        }
        let total = reply.json["total"] as? Int ?? 0, page = reply.json["page"] as? Int ?? 1, limit = max(reply.json["limit"] as? Int ?? 50, 1)
        var values: [String: Any] = [
            "total": total, "page": page, "pages": max(1, (total + limit - 1) / limit),
            "search": request.uri.queryParameters["search"].map(String.init) ?? "",
            "query": Self.listQuery(request), "nav_machines": true, "sort": sortLinks(request),
        ]
        for status in ["online", "offline"] where request.uri.queryParameters["status"] == Substring(status) { values["status_\(status)"] = true }
        values["machines"] = machines
        values["has_machines"] = !machines.isEmpty
        if page > 1 { values["previous"] = Self.pageLink(request, page - 1) }
        if page * limit < total { values["next"] = Self.pageLink(request, page + 1) }
        return values
    }

    static func pageLink(_ request: Request, _ page: Int) -> String {
        "/machines" + listQuery(request, replacing: ["page": String(page)])
    }

    static func percent(_ value: Any?) -> String {
        guard let value = value as? Double else { return "—" }
        return LineChart.number(value) + " %"
    }
}
