import Foundation
import Hummingbird

/// What the plain and the smart rules show and do alike on `/alerts`: a row's state, severity,
/// scope and cooldown, and the button that turns a rule on or off.
enum RuleRow {
    static func values(_ rule: [String: Any], groups: [String: String], language: String, renderer: PageRenderer) -> [String: Any] {
        let enabled = rule["enabled"] as? Bool == true
        let severity = rule["severity"] as? String ?? "warning"
        let scope =
            (rule["machine_id"] as? String).map { _ in renderer.text("scope_machine", language) }
            ?? (rule["group_id"] as? String).map { renderer.text("group", language) + " " + (groups[$0] ?? "?") }
            ?? renderer.text("scope_all", language)
        return [
            "id": rule["id"] as? String ?? "", "name": rule["name"] as? String ?? "",
            "severity": Pill.make(severity, language: language, renderer: renderer), "severity_label": renderer.text("severity_\(severity)", language),
            "state": Pill.make(enabled ? "online" : "offline", language: language, renderer: renderer),
            "state_label": renderer.text(enabled ? "rule_on" : "rule_off", language),
            "toggle_label": renderer.text(enabled ? "rule_turn_off" : "rule_turn_on", language), "next_enabled": enabled ? "false" : "true",
            "cooldown": rule["cooldown_minutes"] as? Int ?? 0, "scope": scope,
        ]
    }

    /// `POST <page>/:id/toggle`: reads the rule, puts it back (the api's `PUT` replaces the whole
    /// rule, `input` makes its body) with `enabled` as posted, then back to `/alerts`.
    static func addToggle(
        to router: RouterGroup<WebRequestContext>, page: String, apiPath: String, api: APIClient, renderer: PageRenderer,
        input: @escaping @Sendable ([String: Any]) -> [String: Any]
    ) {
        router.post("\(page)/:id/toggle") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let (rule, form) = (try call.id(), try await call.form())
            let read = try await call.call(.get, "\(apiPath)/\(rule)")
            guard read.ok else { return call.after(read, to: "/alerts") }
            var body = input(read.json)
            body["enabled"] = form["enabled"] == "true"
            return call.after(try await call.call(.put, "\(apiPath)/\(rule)", json: body), to: "/alerts")
        }
    }
}
