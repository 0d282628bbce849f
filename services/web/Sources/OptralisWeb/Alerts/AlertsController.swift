import Foundation
import Hummingbird

/// `/alerts`: the client's alert rules and when they fired (`GET /api/alert-rules`,
/// `…/history` filtered by rule), with the channels and groups they name, then the smart rules
/// (``SmartAlertsController``). Admins create, edit,
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
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let language = call.language
            let rule = request.uri.queryParameters["rule_id"].flatMap { UUID(uuidString: String($0)) }?.uuidString.lowercased()
            let replies = try await call.get(
                [
                    "/api/alert-rules", "/api/alert-rules/history?limit=50" + (rule.map { "&rule_id=\($0)" } ?? ""), "/api/notifications/channels",
                    "/api/groups",
                    "/api/alerts/rules",
                ])
            guard replies[0].ok else { return call.failure(replies[0]) }
            let channels = Dictionary(
                (replies[2].json["channels"] as? [[String: Any]] ?? []).compactMap { channel in
                    (channel["id"] as? String).map { ($0, channel["name"] as? String ?? "") }
                }, uniquingKeysWith: { first, _ in first })
            let groups = Dictionary(
                replies[3].list.compactMap { group in (group["id"] as? String).map { ($0, group["name"] as? String ?? "") } },
                uniquingKeysWith: { first, _ in first })
            let rules = (replies[0].json["rules"] as? [[String: Any]] ?? []).map { rule -> [String: Any] in
                RuleRow.values(rule, groups: groups, language: language, renderer: renderer).merging([
                    "condition": Self.condition(rule, language: language, renderer: renderer),
                    "channels": (rule["channel_ids"] as? [String] ?? []).compactMap { channels[$0] }.joined(separator: ", "),
                ]) { $1 }
            }
            let history = (replies[1].ok ? replies[1].json["history"] as? [[String: Any]] ?? [] : []).map { entry -> [String: Any] in
                [
                    "machine_id": entry["machine_id"] as? String ?? "", "hostname": entry["machine_hostname"] as? String ?? "—",
                    "rule": entry["rule_name"] as? String ?? "", "at": Display.dateTime(entry["triggered_at"] as? String, language: language),
                    "value": (entry["triggered_value"] as? Double).map { LineChart.number($0, decimals: 1) } ?? "—",
                    "condition": Self.condition(entry, language: language, renderer: renderer),
                    "pill": Pill.make(
                        entry["resolved_at"] is String ? "resolved" : (entry["severity"] as? String ?? "warning"), language: language, renderer: renderer),
                ]
            }
            var values: [String: Any] = [
                "rules": rules, "has_rules": !rules.isEmpty, "history": history, "has_history": !history.isEmpty, "nav_alerts": true,
                "filtered": rule != nil, "smart": SmartAlertsController.section(replies[4], call: call, groups: groups),
            ]
            if call.isAdmin { values["admin"] = ["csrf": call.session.csrfToken] }
            values.merge(call.notices(["deleted": "rule_deleted", "smart_deleted": "smart_rule_deleted"])) { $1 }
            return call.page("alerts", title: call.text("nav_alerts"), values)
        }
        router.get("/alerts/new") { request, context -> Response in
            try await form(request, context, ruleID: nil)
        }
        router.get("/alerts/:id/edit") { request, context -> Response in
            try await form(request, context, ruleID: try PageCall(request, context, api: api, renderer: renderer).id())
        }
        router.post("/alerts") { request, context -> Response in
            try await save(request, context, ruleID: nil)
        }
        router.post("/alerts/:id") { request, context -> Response in
            try await save(request, context, ruleID: try PageCall(request, context, api: api, renderer: renderer).id())
        }
        RuleRow.addToggle(to: router, page: "/alerts", apiPath: "/api/alert-rules", api: api, renderer: renderer, input: Self.input)
        DeleteRoutes(api: api, renderer: renderer).add(to: router, page: "/alerts", apiPath: "/api/alert-rules", texts: "rule", nav: "nav_alerts")
    }

    /// The create or edit form, filled from the rule (edit), or from what was posted when the api
    /// refused it (`posted`, with the api's reason next to its field).
    private func form(
        _ request: Request, _ context: WebRequestContext, ruleID: String?, posted: [String: Any]? = nil, refusal: APIClient.Reply? = nil
    ) async throws -> Response {
        var call = try PageCall(request, context, api: api, renderer: renderer)
        var paths = ["/api/notifications/channels", "/api/groups"]
        if let ruleID, posted == nil { paths.append("/api/alert-rules/\(ruleID)") }
        let replies = try await call.get(paths)
        if paths.count == 3, !replies[2].ok { return call.failure(replies[2]) }
        // A new rule from a machine's page targets that machine.
        let machine = call.request.uri.queryParameters["machine_id"].flatMap { UUID(uuidString: String($0)) }?.uuidString.lowercased()
        let rule =
            posted
            ?? (paths.count == 3
                ? replies[2].json
                : [
                    "metric": "cpu", "operator": ">", "severity": "warning", "cooldown_minutes": 60, "enabled": true, "machine_id": machine as Any,
                ])
        let chosen = Set(rule["channel_ids"] as? [String] ?? [])
        func options(_ keys: [String], selected: String?, label: (String) -> String) -> [[String: Any]] {
            keys.map { ["key": $0, "label": label($0), "current": $0 == selected] }
        }
        var values: [String: Any] = [
            "csrf": call.session.csrfToken, "nav_alerts": true, "name": rule["name"] as? String ?? "",
            "threshold": (rule["threshold"] as? Double).map { LineChart.number($0, decimals: 1) } ?? rule["threshold"] as? String ?? "",
            "cooldown": (rule["cooldown_minutes"] as? Int).map(String.init) ?? rule["cooldown_minutes"] as? String ?? "60",
            "enabled": rule["enabled"] as? Bool == true,
            "metrics": options(Self.metrics, selected: rule["metric"] as? String) { call.text("metric_\($0)") },
            "operators": options(Self.operators, selected: rule["operator"] as? String) { $0 },
            "severities": options(Self.severities, selected: rule["severity"] as? String) { call.text("severity_\($0)") },
            "channels": (replies[0].json["channels"] as? [[String: Any]] ?? []).map { channel -> [String: Any] in
                let id = channel["id"] as? String ?? ""
                return ["id": id, "name": channel["name"] as? String ?? "", "type": channel["type"] as? String ?? "", "checked": chosen.contains(id)]
            },
            "groups": replies[1].list.map { group -> [String: Any] in
                [
                    "id": group["id"] as? String ?? "", "name": group["name"] as? String ?? "",
                    "current": (group["id"] as? String) == (rule["group_id"] as? String),
                ]
            },
            "action": ruleID.map { "/alerts/\($0)" } ?? "/alerts",
            "title": call.text(ruleID == nil ? "rule_new" : "rule_edit"),
        ]
        if let machine = rule["machine_id"] as? String { values["machine_id"] = machine }
        if let refusal {
            values.merge(FieldErrors.values(refusal, fields: Self.fields, language: call.language, renderer: renderer)) { $1 }
        }
        return call.page("alert-form", title: values["title"] as? String ?? "", values, status: refusal == nil ? .ok : .badRequest)
    }

    static let fields: Set<String> = ["name", "metric", "operator", "threshold", "severity", "cooldown_minutes", "channel_ids", "group_id"]

    private func save(_ request: Request, _ context: WebRequestContext, ruleID: String?) async throws -> Response {
        var call = try PageCall(request, context, api: api, renderer: renderer)
        let form = try await call.form()
        let body: [String: Any] = [
            "name": form["name"] ?? "", "metric": form["metric"] ?? "", "operator": form["operator"] ?? "", "severity": form["severity"] ?? "",
            "enabled": form["enabled"] == "on", "channel_ids": form.all("channel_ids"),
            "group_id": form.optional("group_id"), "machine_id": form.optional("machine_id"),
            "threshold": form.number("threshold"), "cooldown_minutes": form.integer("cooldown_minutes"),
        ]
        let reply = try await call.call(ruleID == nil ? .post : .put, ruleID.map { "/api/alert-rules/\($0)" } ?? "/api/alert-rules", json: body)
        if reply.ok || reply.status == 403 { return call.after(reply, to: "/alerts") }
        var posted = body
        posted["threshold"] = form["threshold"] ?? ""
        posted["cooldown_minutes"] = form["cooldown_minutes"] ?? ""
        return try await self.form(request, context, ruleID: ruleID, posted: posted, refusal: reply)
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
}
