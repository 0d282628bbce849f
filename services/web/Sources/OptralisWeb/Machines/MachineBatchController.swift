import Foundation
import Hummingbird

/// `POST /machines/batch`: what an admin does to the rows ticked in the machine list (up to 100,
/// the api's bound): move them into a group or out of theirs, to a site or out of theirs (Business+),
/// put a label on them (with a value, else the label's key) or take it off. Back to the list as it was filtered, with the outcome.
struct MachineBatchController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let actions = ["group", "ungroup", "label", "unlabel"]
    static let siteActions = ["site", "unsite"]

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.post("/machines/batch") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let form = try await call.form()
            let back = Self.back(form["back"])
            let machines = form.all("machine_ids")
            guard !machines.isEmpty else { return .redirect(to: back + Self.separator(back) + "failed=NO_SELECTION", type: .normal) }
            let reply: APIClient.Reply
            switch form["action"] ?? "" {
            case "group":
                reply = try await call.call(.put, "/api/machines/assign-group", json: ["group_id": form.optional("group_id"), "machine_ids": machines])
            case "ungroup": reply = try await call.call(.put, "/api/machines/remove-group", json: ["machine_ids": machines])
            case "site": reply = try await call.call(.put, "/api/machines/assign-site", json: ["site_id": form.optional("site_id"), "machine_ids": machines])
            case "unsite": reply = try await call.call(.put, "/api/machines/remove-site", json: ["machine_ids": machines])
            case "label", "unlabel":
                var body: [String: Any] = ["label_id": form.optional("label_id"), "machine_ids": machines]
                if form["action"] == "label", let value = form["label_value"], !value.isEmpty { body["value"] = value }
                reply = try await call.call(form["action"] == "label" ? .post : .delete, "/api/labels/assign", json: body)
            default: throw HTTPError(.badRequest)
            }
            return call.after(reply, to: back, done: "batch")
        }
    }

    /// The batch form of the machine list (admins).
    static func formValues(groups: [[String: Any]], labels: [[String: Any]], sites: [[String: Any]], back: String, call: PageCall) -> [String: Any] {
        [
            "csrf": call.session.csrfToken, "back": back,
            "actions": (actions + (sites.isEmpty ? [] : siteActions)).map { ["key": $0, "label": call.text("batch_\($0)")] },
            "sites": sites.map { ["id": $0["id"] as? String ?? "", "name": $0["name"] as? String ?? ""] }, "has_sites": !sites.isEmpty,
            "groups": groups.map { ["id": $0["id"] as? String ?? "", "name": $0["name"] as? String ?? ""] }, "has_groups": !groups.isEmpty,
            "labels": labels.map { ["id": $0["id"] as? String ?? "", "key": $0["key"] as? String ?? ""] }, "has_labels": !labels.isEmpty,
        ]
    }

    /// The list to go back to: a `/machines` address of this site only, without an earlier outcome.
    static func back(_ raw: String?) -> String {
        let path = Forms.safeNext(raw)
        guard path == "/machines" || path.hasPrefix("/machines?") else { return "/machines" }
        guard var components = URLComponents(string: path) else { return "/machines" }
        let kept = (components.queryItems ?? []).filter { !["done", "failed"].contains($0.name) }
        components.queryItems = kept.isEmpty ? nil : kept
        return components.string ?? "/machines"
    }

    static func separator(_ path: String) -> String { path.contains("?") ? "&" : "?" }
}
