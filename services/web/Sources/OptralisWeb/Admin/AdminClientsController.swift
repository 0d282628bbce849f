import Foundation
import Hummingbird

/// `/admin/clients`: every client with its licence, users and machines. The super_admin creates
/// a client with its first admin (whose generated password is shown once, in the answer to the
/// post), changes its name, language and licence (type, status, expiry), extends the licence by
/// days, replaces its licence key, deletes it after a confirmation, and acts as it
/// (``AdminDashboardController``).
struct AdminClientsController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let fields: Set<String> = [
        "name", "license_type", "license_status", "license_expires_at", "language", "email", "first_name", "last_name", "days", "monthly_limit",
    ]
    static let statuses = ["active", "suspended", "expired"]

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/admin/clients") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let reply = try await call.get(["/api/admin/clients"])[0]
            guard reply.ok else { return call.failure(reply) }
            let language = call.language
            let clients = (reply.json["clients"] as? [[String: Any]] ?? []).map { client -> [String: Any] in
                let status = client["license_status"] as? String ?? "active"
                return [
                    "id": client["id"] as? String ?? "", "name": client["name"] as? String ?? "", "licence": client["license_type"] as? String ?? "",
                    "pill": Pill.make(status == "active" ? "online" : (status == "suspended" ? "critical" : "warning"), language: language, renderer: renderer),
                    "status": call.text("licence_status_\(status)"),
                    "expires": (client["license_expires_at"] as? String).map { Display.dateTime($0, language: language) } ?? call.text("licence_no_expiry"),
                    "users": client["users"] as? Int ?? 0,
                    "machines": "\(client["machines"] as? Int ?? 0)" + ((client["max_machines"] as? Int).map { " / \($0)" } ?? ""),
                ]
            }
            var values: [String: Any] = [
                "clients": clients, "has_clients": !clients.isEmpty, "csrf": call.session.csrfToken, "nav_admin": true, "admin_clients": true,
            ]
            values.merge(call.notices(["deleted": "client_deleted"])) { $1 }
            return call.page("admin-clients", title: call.text("admin_clients"), values)
        }
        router.get("/admin/clients/new") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await creation(&call, posted: ["license_type": "trial", "language": call.language])
        }
        router.post("/admin/clients") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let form = try await call.form()
            var body: [String: Any] = [
                "name": form["name"] ?? "", "license_type": form["license_type"] ?? "", "language": form["language"] ?? "",
                "admin": ["email": form["email"] ?? "", "first_name": form["first_name"] ?? "", "last_name": form["last_name"] ?? ""],
            ]
            if let expiry = Self.expiry(form["license_expires_at"]) { body["license_expires_at"] = expiry }
            let reply = try await call.call(.post, "/api/admin/clients", json: body)
            guard reply.ok, let id = (reply.json["client"] as? [String: Any])?["id"] as? String else {
                var posted = form.pairs.reduce(into: [String: Any]()) { $0[$1.name] = $1.value }
                posted["_csrf"] = nil
                return try await creation(&call, posted: posted, refusal: reply)
            }
            var extra: [String: Any] = ["done": call.text("client_created")]
            if let password = reply.json["admin_temporary_password"] as? String {
                extra["password"] = [
                    "value": password, "email": form["email"] ?? "",
                    "sent": call.text(reply.json["welcome_email_queued"] as? Bool == true ? "user_password_emailed" : "user_password_not_emailed"),
                ]
            }
            return try await client(&call, id: id, extra: extra)
        }
        router.get("/admin/clients/:id") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            return try await client(
                &call, id: id, extra: call.notices(["extended": "client_extended", "key": "client_key_replaced", "quota": "client_quota_set"]))
        }
        router.post("/admin/clients/:id") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let (id, form) = (try call.id(), try await call.form())
            var body: [String: Any] = [
                "name": form["name"] ?? "", "license_type": form["license_type"] ?? "", "license_status": form["license_status"] ?? "",
                "language": form["language"] ?? "",
            ]
            if form["no_expiry"] == "on" {
                body["clear_license_expiry"] = true
            } else if let expiry = Self.expiry(form["license_expires_at"]) {
                body["license_expires_at"] = expiry
            } else if let typed = form["license_expires_at"], !typed.isEmpty {
                body["license_expires_at"] = typed
            }
            let reply = try await call.call(.put, "/api/admin/clients/\(id)", json: body)
            if reply.ok || reply.status == 403 || reply.status == 404 { return call.after(reply, to: "/admin/clients/\(id)") }
            return try await client(
                &call, id: id, extra: FieldErrors.values(reply, fields: Self.fields, language: call.language, renderer: renderer), status: .badRequest)
        }
        router.post("/admin/clients/:id/extend") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let (id, form) = (try call.id(), try await call.form())
            let reply = try await call.call(.put, "/api/admin/clients/\(id)/extend", json: ["days": form.integer("days")])
            if reply.ok || reply.status == 403 || reply.status == 404 { return call.after(reply, to: "/admin/clients/\(id)", done: "extended") }
            return try await client(
                &call, id: id, extra: FieldErrors.values(reply, fields: Self.fields, language: call.language, renderer: renderer), status: .badRequest)
        }
        router.post("/admin/clients/:id/ai-quota") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let (id, form) = (try call.id(), try await call.form())
            let reply = try await call.call(.post, "/api/ai/quota/set", json: ["client_id": id, "monthly_limit": form.integer("monthly_limit")])
            if reply.ok || reply.status == 403 || reply.status == 404 || reply.status == 503 {
                return call.after(reply, to: "/admin/clients/\(id)", done: "quota")
            }
            return try await client(
                &call, id: id, extra: FieldErrors.values(reply, fields: Self.fields, language: call.language, renderer: renderer), status: .badRequest)
        }
        router.post("/admin/clients/:id/licence-key") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            _ = try await call.form()
            return call.after(try await call.call(.post, "/api/admin/clients/\(id)/regenerate-license-id"), to: "/admin/clients/\(id)", done: "key")
        }
        DeleteRoutes(api: api, renderer: renderer).add(to: router, page: "/admin/clients", apiPath: "/api/admin/clients", texts: "client", nav: "nav_admin")
    }

    /// One client: its licence and figures, the edit, extend and licence-key forms, and acting.
    private func client(_ call: inout PageCall, id: String, extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let replies = try await call.get(["/api/admin/clients/\(id)", "/api/admin/license-types"])
        guard replies[0].ok else { return call.failure(replies[0]) }
        let client = replies[0].json
        let expires = client["license_expires_at"] as? String
        var values: [String: Any] = [
            "id": id, "name": client["name"] as? String ?? "", "csrf": call.session.csrfToken, "nav_admin": true, "admin_clients": true,
            "licence_key": client["license_id"] as? String ?? "", "users": client["users"] as? Int ?? 0, "machines": client["machines"] as? Int ?? 0,
            "started": Display.dateTime(client["license_started_at"] as? String, language: call.language),
            "expires_date": expires.map { String($0.prefix(10)) } ?? "", "no_expiry": expires == nil,
            "licence_types": licenceTypes(replies[1], selected: client["license_type"] as? String),
            "statuses": call.options(Self.statuses, selected: client["license_status"] as? String, prefix: "licence_status_"),
            "languages": languages(selected: client["language"] as? String),
            "licence_quota": (replies[1].json["license_types"] as? [[String: Any]] ?? [])
                .first { $0["code"] as? String == client["license_type"] as? String }?["ai_monthly_quota"] as? Int ?? 0,
        ]
        values.merge(extra) { $1 }
        return call.page("admin-client", title: values["name"] as? String ?? "", values, status: status)
    }

    private func creation(_ call: inout PageCall, posted: [String: Any], refusal: APIClient.Reply? = nil) async throws -> Response {
        let types = try await call.get(["/api/admin/license-types"])[0]
        var values: [String: Any] = [
            "csrf": call.session.csrfToken, "nav_admin": true, "admin_clients": true,
            "name": posted["name"] as? String ?? "", "email": posted["email"] as? String ?? "",
            "first_name": posted["first_name"] as? String ?? "", "last_name": posted["last_name"] as? String ?? "",
            "expires_date": posted["license_expires_at"] as? String ?? "",
            "licence_types": licenceTypes(types, selected: posted["license_type"] as? String), "languages": languages(selected: posted["language"] as? String),
        ]
        if let refusal {
            values.merge(FieldErrors.values(refusal, fields: Self.fields, codes: ["EMAIL_EXISTS": "email"], language: call.language, renderer: renderer)) { $1 }
        }
        return call.page("admin-client-form", title: call.text("client_new"), values, status: refusal == nil ? .ok : .badRequest)
    }

    /// The active licence types to choose from (and the client's own, even if no longer active).
    private func licenceTypes(_ reply: APIClient.Reply, selected: String?) -> [[String: Any]] {
        (reply.json["license_types"] as? [[String: Any]] ?? []).filter { $0["is_active"] as? Bool == true || $0["code"] as? String == selected }.map {
            ["code": $0["code"] as? String ?? "", "name": $0["name"] as? String ?? "", "current": $0["code"] as? String == selected]
        }
    }

    private func languages(selected: String?) -> [[String: Any]] {
        PageRenderer.languages.map { ["key": $0, "label": $0.uppercased(), "current": $0 == selected] }
    }

    /// A date from the form's date field, as the end of that UTC day; nil for anything else.
    static func expiry(_ typed: String?) -> String? {
        guard let typed, typed.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil else { return nil }
        return typed + "T23:59:59Z"
    }
}
