import Foundation
import Hummingbird

/// `/admin/licence-types`: what each licence gives (tier, machines, retention, AI quota), and
/// whether clients can be given it. The super_admin creates, edits (the code stays) and deletes
/// one no client uses.
struct AdminLicenceTypesController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let numbers = ["tier_level", "max_machines", "metrics_retention_days", "events_retention_days", "ai_monthly_quota"]
    static let fields = Set(["code", "name", "is_active"] + numbers)

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/admin/licence-types") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let reply = try await call.get(["/api/admin/license-types"])[0]
            guard reply.ok else { return call.failure(reply) }
            let types = (reply.json["license_types"] as? [[String: Any]] ?? []).map { type -> [String: Any] in
                var row = type
                row["max_machines"] = (type["max_machines"] as? Int).map(String.init) ?? call.text("unlimited")
                row["active"] = call.text(type["is_active"] as? Bool == true ? "yes" : "no")
                return row
            }
            var values: [String: Any] = ["types": types, "nav_admin": true, "admin_licence_types": true]
            values.merge(call.notices(["deleted": "licence_type_deleted"])) { $1 }
            return call.page("admin-licence-types", title: call.text("admin_licence_types"), values)
        }
        router.get("/admin/licence-types/new") { request, context -> Response in
            let call = try PageCall(request, context, api: api, renderer: renderer)
            return form(
                call, id: nil, type: ["tier_level": 1, "metrics_retention_days": 30, "events_retention_days": 30, "ai_monthly_quota": 0, "is_active": true])
        }
        router.get("/admin/licence-types/:id/edit") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            let reply = try await call.get(["/api/admin/license-types"])[0]
            guard reply.ok else { return call.failure(reply) }
            guard let type = (reply.json["license_types"] as? [[String: Any]] ?? []).first(where: { $0["id"] as? String == id }) else {
                throw HTTPError(.notFound)
            }
            return form(call, id: id, type: type)
        }
        router.post("/admin/licence-types") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await save(&call, id: nil)
        }
        router.post("/admin/licence-types/:id") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await save(&call, id: try call.id())
        }
        DeleteRoutes(api: api, renderer: renderer).add(
            to: router, page: "/admin/licence-types", apiPath: "/api/admin/license-types", texts: "licence_type", nav: "nav_admin")
    }

    private func form(_ call: PageCall, id: String?, type: [String: Any], refusal: APIClient.Reply? = nil) -> Response {
        let title = call.text(id == nil ? "licence_type_new" : "licence_type_edit")
        var values: [String: Any] = [
            "title": title, "csrf": call.session.csrfToken, "nav_admin": true, "admin_licence_types": true, "is_new": id == nil,
            "action": id.map { "/admin/licence-types/\($0)" } ?? "/admin/licence-types",
            "code": type["code"] as? String ?? "", "name": type["name"] as? String ?? "", "is_active": type["is_active"] as? Bool == true,
        ]
        for number in Self.numbers { values[number] = type[number].map { "\($0)" } ?? "" }
        if let refusal {
            values.merge(FieldErrors.values(refusal, fields: Self.fields, codes: ["LICENSE_TYPE_EXISTS": "code"], language: call.language, renderer: renderer))
            { $1 }
        }
        return call.page("admin-licence-type-form", title: title, values, status: refusal == nil ? .ok : .badRequest)
    }

    private func save(_ call: inout PageCall, id: String?) async throws -> Response {
        let form = try await call.form()
        var body: [String: Any] = ["code": form["code"] ?? "", "name": form["name"] ?? "", "is_active": form["is_active"] == "on"]
        for number in Self.numbers { body[number] = form.integer(number) }
        // No limit: an empty field, which the api takes as null.
        if (form["max_machines"] ?? "").isEmpty { body["max_machines"] = NSNull() }
        let reply = try await call.call(id == nil ? .post : .put, id.map { "/api/admin/license-types/\($0)" } ?? "/api/admin/license-types", json: body)
        if reply.ok || reply.status == 403 || reply.status == 404 { return call.after(reply, to: "/admin/licence-types") }
        var posted = body
        for number in Self.numbers { posted[number] = form[number] ?? "" }
        return self.form(call, id: id, type: posted, refusal: reply)
    }
}
