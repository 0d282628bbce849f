import Foundation
import Hummingbird

/// `/groups` and `/labels`: the two ways a client sorts its machines, one page each, built the
/// same way. A group holds a machine at most once (`name`); a label is a key a machine carries
/// with a value (`key`). Each row links to the machine list filtered by it; admins create,
/// rename, recolour and delete. Machines join them from the machine list (``MachineBatchController``).
struct MachineSetsController: Sendable {
    let api: APIClient
    let renderer: PageRenderer

    /// What differs between groups and labels.
    struct Kind: Sendable {
        /// The page (`/groups`) and the api's collection (`/api/groups`).
        let page: String
        let apiPath: String
        /// The field naming one (`name`, `key`), also its texts' prefix (`group_…`, `label_…`).
        let field: String
        let texts: String
        let nav: String
        let conflict: String

        static let groups = Kind(page: "/groups", apiPath: "/api/groups", field: "name", texts: "group", nav: "nav_groups", conflict: "GROUP_EXISTS")
        static let labels = Kind(page: "/labels", apiPath: "/api/labels", field: "key", texts: "label", nav: "nav_labels", conflict: "LABEL_EXISTS")

        func filter(_ set: [String: Any]) -> String {
            let value = set[field] as? String ?? ""
            let parameter =
                self.field == "name"
                ? "group_id=" + (set["id"] as? String ?? "") : "label=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            return "/machines?" + parameter
        }
    }

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        for kind in [Kind.groups, Kind.labels] { addRoutes(kind, to: router) }
    }

    private func addRoutes(_ kind: Kind, to router: RouterGroup<WebRequestContext>) {
        router.get(RouterPath(kind.page)) { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await list(kind, &call)
        }
        router.get(RouterPath(kind.page + "/new")) { request, context -> Response in
            let call = try PageCall(request, context, api: api, renderer: renderer)
            return form(kind, call, id: nil, set: ["color": "#3b82f6"])
        }
        router.get(RouterPath(kind.page + "/:id/edit")) { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            let sets = try await call.get([kind.apiPath])[0]
            guard sets.ok else { return call.failure(sets) }
            guard let set = sets.list.first(where: { $0["id"] as? String == id }) else { throw HTTPError(.notFound) }
            return form(kind, call, id: id, set: set)
        }
        router.post(RouterPath(kind.page)) { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await save(kind, &call, id: nil)
        }
        router.post(RouterPath(kind.page + "/:id")) { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await save(kind, &call, id: try call.id())
        }
        DeleteRoutes(api: api, renderer: renderer).add(to: router, page: kind.page, apiPath: kind.apiPath, texts: kind.texts, nav: kind.nav)
    }

    private func list(_ kind: Kind, _ call: inout PageCall) async throws -> Response {
        let reply = try await call.get([kind.apiPath])[0]
        guard reply.ok else { return call.failure(reply) }
        let sets = reply.list
        let rows = sets.map { set -> [String: Any] in
            [
                "id": set["id"] as? String ?? "", "name": set[kind.field] as? String ?? "", "color": Self.color(set["color"]),
                "count": set["machine_count"] as? Int ?? 0, "machines": kind.filter(set),
            ]
        }
        var values: [String: Any] = [
            "rows": rows, "has_rows": !rows.isEmpty, kind.nav: true, "page": kind.page,
            "heading": call.text(kind.nav), "new": call.text("\(kind.texts)_new"), "empty": call.text("no_\(kind.texts)s"),
            "column": call.text("\(kind.texts)_\(kind.field)"), "help": call.text("\(kind.texts)s_help"),
        ]
        if call.isAdmin { values["admin"] = ["csrf": call.session.csrfToken] }
        values.merge(call.notices(["deleted": "\(kind.texts)_deleted"])) { $1 }
        return call.page("machine-sets", title: call.text(kind.nav), values)
    }

    private func form(_ kind: Kind, _ call: PageCall, id: String?, set: [String: Any], refusal: APIClient.Reply? = nil) -> Response {
        let title = call.text(id == nil ? "\(kind.texts)_new" : "\(kind.texts)_edit")
        var values: [String: Any] = [
            "title": title, "csrf": call.session.csrfToken, kind.nav: true, "page": kind.page, "back": call.text(kind.nav),
            "field": kind.field, "label": call.text("\(kind.texts)_\(kind.field)"), "value": set[kind.field] as? String ?? "",
            "maxlength": 50, "color": Self.color(set["color"]), "action": id.map { "\(kind.page)/\($0)" } ?? kind.page,
        ]
        if let refusal {
            values.merge(
                FieldErrors.values(refusal, fields: [kind.field, "color"], codes: [kind.conflict: kind.field], language: call.language, renderer: renderer)
            ) { $1 }
        }
        return call.page("machine-set-form", title: title, values, status: refusal == nil ? .ok : .badRequest)
    }

    private func save(_ kind: Kind, _ call: inout PageCall, id: String?) async throws -> Response {
        let form = try await call.form()
        let body: [String: Any] = [kind.field: form[kind.field] ?? "", "color": form["color"] ?? ""]
        let reply = try await call.call(id == nil ? .post : .put, id.map { "\(kind.apiPath)/\($0)" } ?? kind.apiPath, json: body)
        if reply.ok || reply.status == 403 || reply.status == 404 { return call.after(reply, to: kind.page) }
        return self.form(kind, call, id: id, set: body, refusal: reply)
    }

    /// A colour the api stored (`#RRGGBB`), or the default: it lands in an attribute and a style.
    static func color(_ value: Any?) -> String {
        guard let color = value as? String, color.wholeMatch(of: /#[0-9A-Fa-f]{6}/) != nil else { return "#3b82f6" }
        return color
    }
}
