import Foundation
import Hummingbird

/// The smart rules (`/api/alerts/rules`, Essentials+): their section of `/alerts` (``section(_:call:groups:)``)
/// and their create, edit, turn on and off and delete pages under `/smart-alerts`. Below the
/// licence the section says which licence it needs; observers read, with no form.
struct SmartAlertsController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let metrics = ["cpu", "ram", "disk", "temperature"]
    static let modes = ["adaptive", "static"]
    static let severities = ["info", "warning", "critical"]

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/smart-alerts/new") { request, context -> Response in
            try await form(request, context, ruleID: nil)
        }
        router.get("/smart-alerts/:id/edit") { request, context -> Response in
            try await form(request, context, ruleID: try PageCall(request, context, api: api, renderer: renderer).id())
        }
        router.post("/smart-alerts") { request, context -> Response in
            try await save(request, context, ruleID: nil)
        }
        router.post("/smart-alerts/:id") { request, context -> Response in
            try await save(request, context, ruleID: try PageCall(request, context, api: api, renderer: renderer).id())
        }
        RuleRow.addToggle(to: router, page: "/smart-alerts", apiPath: "/api/alerts/rules", api: api, renderer: renderer, input: Self.input)
        DeleteRoutes(api: api, renderer: renderer).add(
            to: router, page: "/smart-alerts", apiPath: "/api/alerts/rules", texts: "smart_rule", nav: "nav_alerts", back: "/alerts", done: "smart_deleted")
    }

    /// The values of the `/alerts` page's smart section from the api's answer to
    /// `GET /api/alerts/rules`: the rules, or the licence they need.
    static func section(_ reply: APIClient.Reply, call: PageCall, groups: [String: String]) -> [String: Any] {
        if let premium = call.premium(reply) { return ["premium": premium] }
        guard reply.ok else { return ["unavailable": call.text("api_unavailable")] }
        let rules = (reply.json["rules"] as? [[String: Any]] ?? []).map { rule -> [String: Any] in
            RuleRow.values(rule, groups: groups, language: call.language, renderer: call.renderer).merging(["condition": condition(rule, call: call)]) { $1 }
        }
        return ["available": true, "rules": rules, "has_rules": !rules.isEmpty]
    }

    /// "CPU (%) above its usual p95 + 3σ for 10 min", "Disk (%) above 90 for 10 min".
    static func condition(_ rule: [String: Any], call: PageCall) -> String {
        let metric = call.text("metric_\(rule["metric"] as? String ?? "")")
        let minutes = String(rule["duration_minutes"] as? Int ?? 0)
        let adaptive = rule["mode"] as? String == "adaptive"
        let number = adaptive ? rule["sigma_factor"] as? Double : rule["threshold"] as? Double
        return call.text(adaptive ? "smart_condition_adaptive" : "smart_condition_static")
            .replacingOccurrences(of: "{metric}", with: metric).replacingOccurrences(of: "{minutes}", with: minutes)
            .replacingOccurrences(of: "{value}", with: number.map { LineChart.number($0, decimals: 1) } ?? "?")
    }

    /// The create or edit form, filled from the rule (edit), or from what was posted when the api
    /// refused it (`posted`, with the api's reason next to its field).
    private func form(
        _ request: Request, _ context: WebRequestContext, ruleID: String?, posted: [String: Any]? = nil, refusal: APIClient.Reply? = nil
    ) async throws -> Response {
        var call = try PageCall(request, context, api: api, renderer: renderer)
        var paths = ["/api/groups"]
        if let ruleID, posted == nil { paths.append("/api/alerts/rules/\(ruleID)") }
        let replies = try await call.get(paths)
        if paths.count == 2, !replies[1].ok { return call.failure(replies[1]) }
        let rule =
            posted
            ?? (paths.count == 2
                ? replies[1].json
                : [
                    "metric": "cpu", "mode": "adaptive", "sigma_factor": 3.0, "duration_minutes": 10, "severity": "warning", "enabled": true,
                ])
        func options(_ keys: [String], selected: String?, label: (String) -> String) -> [[String: Any]] {
            keys.map { ["key": $0, "label": label($0), "current": $0 == selected] }
        }
        func typed(_ key: String) -> String {
            (rule[key] as? Double).map { LineChart.number($0, decimals: 1) } ?? (rule[key] as? Int).map(String.init) ?? rule[key] as? String ?? ""
        }
        var values: [String: Any] = [
            "csrf": call.session.csrfToken, "nav_alerts": true, "name": rule["name"] as? String ?? "",
            "sigma_factor": typed("sigma_factor"), "threshold": typed("threshold"), "duration": typed("duration_minutes"),
            "enabled": rule["enabled"] as? Bool == true,
            "metrics": options(Self.metrics, selected: rule["metric"] as? String) { call.text("metric_\($0)") },
            "modes": options(Self.modes, selected: rule["mode"] as? String) { call.text("smart_mode_\($0)") },
            "severities": options(Self.severities, selected: rule["severity"] as? String) { call.text("severity_\($0)") },
            "groups": replies[0].list.map { group -> [String: Any] in
                [
                    "id": group["id"] as? String ?? "", "name": group["name"] as? String ?? "",
                    "current": (group["id"] as? String) == (rule["group_id"] as? String),
                ]
            },
            "action": ruleID.map { "/smart-alerts/\($0)" } ?? "/smart-alerts",
            "title": call.text(ruleID == nil ? "smart_rule_new" : "smart_rule_edit"),
        ]
        if let machine = rule["machine_id"] as? String { values["machine_id"] = machine }
        if let refusal {
            values.merge(
                FieldErrors.values(refusal, fields: Self.fields, codes: ["SMART_RULE_LIMIT_REACHED": "name"], language: call.language, renderer: renderer)
            ) { $1 }
        }
        return call.page("smart-alert-form", title: values["title"] as? String ?? "", values, status: refusal == nil ? .ok : .badRequest)
    }

    static let fields: Set<String> = ["name", "metric", "mode", "sigma_factor", "threshold", "duration_minutes", "severity", "group_id"]

    /// An adaptive rule sends `sigma_factor` (the api's default when left empty), a static one
    /// `threshold`: the api refuses the other.
    private func save(_ request: Request, _ context: WebRequestContext, ruleID: String?) async throws -> Response {
        var call = try PageCall(request, context, api: api, renderer: renderer)
        let form = try await call.form()
        let mode = form["mode"] ?? ""
        var body: [String: Any] = [
            "name": form["name"] ?? "", "metric": form["metric"] ?? "", "mode": mode, "severity": form["severity"] ?? "",
            "enabled": form["enabled"] == "on", "group_id": form.optional("group_id"), "machine_id": form.optional("machine_id"),
            "duration_minutes": form.integer("duration_minutes"),
        ]
        if mode == "static" {
            body["threshold"] = form.number("threshold")
        } else if !(form["sigma_factor"] ?? "").isEmpty {
            body["sigma_factor"] = form.number("sigma_factor")
        }
        let reply = try await call.call(ruleID == nil ? .post : .put, ruleID.map { "/api/alerts/rules/\($0)" } ?? "/api/alerts/rules", json: body)
        if reply.ok || reply.status == 403 { return call.after(reply, to: "/alerts") }
        var posted = body
        for key in ["threshold", "sigma_factor", "duration_minutes"] { posted[key] = form[key] ?? "" }
        return try await self.form(request, context, ruleID: ruleID, posted: posted, refusal: reply)
    }

    /// The api's rule as the body of its `PUT` (which replaces the whole rule).
    static func input(from rule: [String: Any]) -> [String: Any] {
        var body: [String: Any] = [:]
        for key in ["name", "metric", "mode", "duration_minutes", "severity", "enabled"] { body[key] = rule[key] }
        for key in ["sigma_factor", "threshold"] where !(rule[key] is NSNull) { body[key] = rule[key] }
        body["machine_id"] = rule["machine_id"] ?? NSNull()
        body["group_id"] = rule["group_id"] ?? NSNull()
        return body
    }
}
