import Foundation
import Hummingbird

/// `/alerts`: the client's alert rules and when they fired (`GET /api/alert-rules`,
/// `…/history` filtered by rule), with the channels and groups they name. Admins create, edit,
/// turn on and off and delete rules through forms posting here; observers read, with no form,
/// and the api refuses them anyway.
struct AlertsController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let metrics = ["cpu", "ram", "disk", "temperature", "offline_minutes"]
    static let operators = [">", ">=", "<", "<=", "=="]
    static let severities = ["low", "warning", "critical"]

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/alerts") { request, context -> Response in
            let id = try DashboardController.sessionID(context)
            var session = try DashboardController.session(context)
            let language = PageRenderer.language(of: request, session: session)
            let rule = request.uri.queryParameters["rule_id"].flatMap { UUID(uuidString: String($0)) }?.uuidString.lowercased()
            let replies = try await api.getAll(
                ["/api/alert-rules", "/api/alert-rules/history?limit=50" + (rule.map { "&rule_id=\($0)" } ?? ""), "/api/notifications/channels", "/api/groups"],
                session: &session, id: id, clientIP: context.clientIP)
            guard replies[0].ok else { return renderer.failure(replies[0], request: request, session: session) }
            let channels = Dictionary((replies[2].json["channels"] as? [[String: Any]] ?? []).compactMap { channel in
                (channel["id"] as? String).map { ($0, channel["name"] as? String ?? "") }
            }, uniquingKeysWith: { first, _ in first })
            let groups = Dictionary(replies[3].list.compactMap { group in (group["id"] as? String).map { ($0, group["name"] as? String ?? "") } },
                                    uniquingKeysWith: { first, _ in first })
            let rules = (replies[0].json["rules"] as? [[String: Any]] ?? []).map { rule -> [String: Any] in
                let enabled = rule["enabled"] as? Bool == true
                let scope = (rule["machine_id"] as? String).map { _ in renderer.text("scope_machine", language) }
                    ?? (rule["group_id"] as? String).map { renderer.text("group", language) + " " + (groups[$0] ?? "?") }
                    ?? renderer.text("scope_all", language)
                return [
                    "id": rule["id"] as? String ?? "", "name": rule["name"] as? String ?? "",
                    "condition": Self.condition(rule, language: language, renderer: renderer),
                    "severity": Pill.make(rule["severity"] as? String ?? "warning", language: language, renderer: renderer),
                    "severity_label": renderer.text("severity_\(rule["severity"] as? String ?? "warning")", language),
                    "state": Pill.make(enabled ? "online" : "offline", language: language, renderer: renderer),
                    "state_label": renderer.text(enabled ? "rule_on" : "rule_off", language),
                    "toggle_label": renderer.text(enabled ? "rule_turn_off" : "rule_turn_on", language), "next_enabled": enabled ? "false" : "true",
                    "cooldown": rule["cooldown_minutes"] as? Int ?? 0, "scope": scope,
                    "channels": (rule["channel_ids"] as? [String] ?? []).compactMap { channels[$0] }.joined(separator: ", "),
                ]
            }
            let history = (replies[1].ok ? replies[1].json["history"] as? [[String: Any]] ?? [] : []).map { entry -> [String: Any] in
                [
                    "machine_id": entry["machine_id"] as? String ?? "", "hostname": entry["machine_hostname"] as? String ?? "—",
                    "rule": entry["rule_name"] as? String ?? "", "at": Display.dateTime(entry["triggered_at"] as? String, language: language),
                    "value": (entry["triggered_value"] as? Double).map { LineChart.number($0, decimals: 1) } ?? "—",
                    "condition": Self.condition(entry, language: language, renderer: renderer),
                    "pill": Pill.make(entry["resolved_at"] is String ? "resolved" : (entry["severity"] as? String ?? "warning"), language: language, renderer: renderer),
                ]
            }
            var values: [String: Any] = [
                "rules": rules, "has_rules": !rules.isEmpty, "history": history, "has_history": !history.isEmpty, "nav_alerts": true,
                "filtered": rule != nil,
            ]
            if session.user.role == "admin" { values["admin"] = ["csrf": session.csrfToken] }
            if let done = request.uri.queryParameters["done"] { values["done"] = renderer.text(done == "deleted" ? "rule_deleted" : "action_done", language) }
            if let failed = request.uri.queryParameters["failed"] {
                values["failed"] = renderer.text("action_failed", language) + " (" + String(failed.prefix(40).filter { $0.isUppercase || $0 == "_" }) + ")"
            }
            return renderer.page("alerts", title: renderer.text("nav_alerts", language), values, request: request, session: session)
        }
        router.get("/alerts/new") { request, context -> Response in
            try await form(request, context, ruleID: nil)
        }
        router.get("/alerts/:id/edit") { request, context -> Response in
            try await form(request, context, ruleID: try Self.ruleID(context))
        }
        router.post("/alerts") { request, context -> Response in
            try await save(request, context, ruleID: nil)
        }
        router.post("/alerts/:id") { request, context -> Response in
            try await save(request, context, ruleID: try Self.ruleID(context))
        }
        router.post("/alerts/:id/toggle") { request, context -> Response in
            let (rule, form, sessionID, session) = try await Self.checked(request, context)
            var current = session
            let read = try await api.call(.get, "/api/alert-rules/\(rule)", session: &current, id: sessionID, clientIP: context.clientIP)
            guard read.ok else { return .redirect(to: "/alerts?failed=\(MachineActionsController.code(read))", type: .normal) }
            var body = Self.input(from: read.json)
            body["enabled"] = form["enabled"] == "true"
            let reply = try await api.call(.put, "/api/alert-rules/\(rule)", json: body, session: &current, id: sessionID, clientIP: context.clientIP)
            return .redirect(to: reply.ok ? "/alerts?done=1" : "/alerts?failed=\(MachineActionsController.code(reply))", type: .normal)
        }
        router.get("/alerts/:id/delete") { request, context -> Response in
            let session = try DashboardController.session(context)
            let language = PageRenderer.language(of: request, session: session)
            let name = String((request.uri.queryParameters["name"] ?? "").prefix(100))
            return renderer.page(
                "alert-delete", title: renderer.text("rule_delete", language),
                ["id": try Self.ruleID(context), "csrf": session.csrfToken, "nav_alerts": true,
                 "question": renderer.text("rule_delete_question", language).replacingOccurrences(of: "{name}", with: name)],
                request: request, session: session)
        }
        router.post("/alerts/:id/delete") { request, context -> Response in
            let (rule, _, sessionID, session) = try await Self.checked(request, context)
            var current = session
            let reply = try await api.call(.delete, "/api/alert-rules/\(rule)", session: &current, id: sessionID, clientIP: context.clientIP)
            return .redirect(to: reply.ok ? "/alerts?done=deleted" : "/alerts?failed=\(MachineActionsController.code(reply))", type: .normal)
        }
    }

    /// The create or edit form, filled from the rule (edit), or from what was posted when the api
    /// refused it (`posted`, with the api's message).
    private func form(
        _ request: Request, _ context: WebRequestContext, ruleID: String?, posted: [String: Any]? = nil, error: String? = nil
    ) async throws -> Response {
        let id = try DashboardController.sessionID(context)
        var session = try DashboardController.session(context)
        let language = PageRenderer.language(of: request, session: session)
        var paths = ["/api/notifications/channels", "/api/groups"]
        if let ruleID, posted == nil { paths.append("/api/alert-rules/\(ruleID)") }
        let replies = try await api.getAll(paths, session: &session, id: id, clientIP: context.clientIP)
        if paths.count == 3, !replies[2].ok { return renderer.failure(replies[2], request: request, session: session) }
        let rule = posted ?? (paths.count == 3 ? replies[2].json : ["metric": "cpu", "operator": ">", "severity": "warning", "cooldown_minutes": 60, "enabled": true])
        let chosen = Set(rule["channel_ids"] as? [String] ?? [])
        func options(_ keys: [String], selected: String?, label: (String) -> String) -> [[String: Any]] {
            keys.map { ["key": $0, "label": label($0), "current": $0 == selected] }
        }
        var values: [String: Any] = [
            "csrf": session.csrfToken, "nav_alerts": true, "name": rule["name"] as? String ?? "",
            "threshold": (rule["threshold"] as? Double).map { LineChart.number($0, decimals: 1) } ?? rule["threshold"] as? String ?? "",
            "cooldown": (rule["cooldown_minutes"] as? Int).map(String.init) ?? rule["cooldown_minutes"] as? String ?? "60",
            "enabled": rule["enabled"] as? Bool == true,
            "metrics": options(Self.metrics, selected: rule["metric"] as? String) { renderer.text("metric_\($0)", language) },
            "operators": options(Self.operators, selected: rule["operator"] as? String) { $0 },
            "severities": options(Self.severities, selected: rule["severity"] as? String) { renderer.text("severity_\($0)", language) },
            "channels": (replies[0].json["channels"] as? [[String: Any]] ?? []).map { channel -> [String: Any] in
                let id = channel["id"] as? String ?? ""
                return ["id": id, "name": channel["name"] as? String ?? "", "type": channel["type"] as? String ?? "", "checked": chosen.contains(id)]
            },
            "groups": replies[1].list.map { group -> [String: Any] in
                ["id": group["id"] as? String ?? "", "name": group["name"] as? String ?? "", "current": (group["id"] as? String) == (rule["group_id"] as? String)]
            },
            "action": ruleID.map { "/alerts/\($0)" } ?? "/alerts",
            "title": renderer.text(ruleID == nil ? "rule_new" : "rule_edit", language),
        ]
        if let machine = rule["machine_id"] as? String { values["machine_id"] = machine }
        if let error { values["error"] = error }
        return renderer.page(
            "alert-form", title: values["title"] as? String ?? "", values, request: request, session: session, status: error == nil ? .ok : .badRequest)
    }

    private func save(_ request: Request, _ context: WebRequestContext, ruleID: String?) async throws -> Response {
        let sessionID = try DashboardController.sessionID(context)
        var session = try DashboardController.session(context)
        let pairs = try await Forms.pairs(request, context: context)
        let form = Dictionary(pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
        guard Forms.sameToken(form["_csrf"], session.csrfToken) else { throw HTTPError(.forbidden) }
        var body: [String: Any] = [
            "name": form["name"] ?? "", "metric": form["metric"] ?? "", "operator": form["operator"] ?? "", "severity": form["severity"] ?? "",
            "enabled": form["enabled"] == "on", "channel_ids": pairs.filter { $0.name == "channel_ids" }.map(\.value),
            "group_id": (form["group_id"] ?? "").isEmpty ? NSNull() : form["group_id"]!, "machine_id": (form["machine_id"] ?? "").isEmpty ? NSNull() : form["machine_id"]!,
        ]
        // Numbers as the user typed them, with a comma as a French decimal separator; the api checks the bounds.
        body["threshold"] = Double((form["threshold"] ?? "").replacingOccurrences(of: ",", with: ".").trimmingCharacters(in: .whitespaces)) ?? form["threshold"] ?? ""
        body["cooldown_minutes"] = Int((form["cooldown_minutes"] ?? "").trimmingCharacters(in: .whitespaces)) ?? form["cooldown_minutes"] ?? ""
        let reply = try await api.call(
            ruleID == nil ? .post : .put, ruleID.map { "/api/alert-rules/\($0)" } ?? "/api/alert-rules", json: body, session: &session, id: sessionID,
            clientIP: context.clientIP)
        if reply.ok { return .redirect(to: "/alerts?done=1", type: .normal) }
        if reply.status == 403 { return .redirect(to: "/alerts?failed=\(MachineActionsController.code(reply))", type: .normal) }
        var posted = body
        posted["threshold"] = form["threshold"] ?? ""
        posted["cooldown_minutes"] = form["cooldown_minutes"] ?? ""
        return try await self.form(request, context, ruleID: ruleID, posted: posted, error: reply.error ?? renderer.text("api_unavailable", PageRenderer.language(of: request, session: session)))
    }

    /// The api's rule as the body of its `PUT` (which replaces the whole rule).
    static func input(from rule: [String: Any]) -> [String: Any] {
        var body: [String: Any] = [:]
        for key in ["name", "metric", "operator", "threshold", "severity", "enabled", "cooldown_minutes", "channel_ids"] { body[key] = rule[key] }
        body["machine_id"] = rule["machine_id"] ?? NSNull()
        body["group_id"] = rule["group_id"] ?? NSNull()
        return body
    }

    static func condition(_ rule: [String: Any], language: String, renderer: PageRenderer) -> String {
        let metric = renderer.text("metric_\(rule["metric"] as? String ?? "")", language)
        let threshold = (rule["threshold"] as? Double).map { LineChart.number($0, decimals: 1) } ?? "?"
        return "\(metric) \(rule["operator"] as? String ?? "") \(threshold)"
    }

    static func ruleID(_ context: WebRequestContext) throws -> String {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.notFound) }
        return id.uuidString.lowercased()
    }

    /// The rule, the form, and the session, once the form's CSRF token is checked.
    static func checked(_ request: Request, _ context: WebRequestContext) async throws -> (String, [String: String], String, WebSession) {
        let sessionID = try DashboardController.sessionID(context)
        let session = try DashboardController.session(context)
        let form = try await Forms.read(request, context: context)
        guard Forms.sameToken(form["_csrf"], session.csrfToken) else { throw HTTPError(.forbidden) }
        return (try ruleID(context), form, sessionID, session)
    }
}
