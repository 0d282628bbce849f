import Foundation
import Hummingbird

/// `/users`: the client's users with their role, language, second factor and last login.
/// Admins invite users (the generated password is shown once, in the answer to the post, never
/// in a link), change roles, give a new temporary password and delete; the api's rules (nobody
/// changes their own role or deletes themself, the last admin stays) come back as messages of
/// their own. Observers read.
struct UsersController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let fields: Set<String> = ["email", "first_name", "last_name", "role", "language"]

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/users") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await list(&call, extra: [:])
        }
        router.get("/users/new") { request, context -> Response in
            let call = try PageCall(request, context, api: api, renderer: renderer)
            return form(call, posted: ["role": "observer", "language": call.language])
        }
        router.post("/users") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let form = try await call.form()
            let body: [String: Any] = [
                "email": form["email"] ?? "", "first_name": form["first_name"] ?? "", "last_name": form["last_name"] ?? "",
                "role": form["role"] ?? "", "language": form["language"] ?? "",
            ]
            let reply = try await call.call(.post, "/api/users", json: body)
            if reply.status == 403 { return call.after(reply, to: "/users") }
            guard reply.ok else { return self.form(call, posted: body, refusal: reply) }
            let user = reply.json["user"] as? [String: Any] ?? [:]
            return try await list(
                &call,
                extra: password(
                    reply.json["temporary_password"] as? String, for: user["email"] as? String, call: call, sent: reply.json["welcome_email_queued"] as? Bool))
        }
        router.post("/users/:id/role") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let (id, form) = (try call.id(), try await call.form())
            return call.after(try await call.call(.put, "/api/users/\(id)", json: ["role": form["role"] ?? ""]), to: "/users")
        }
        router.post("/users/:id/reset-password") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let (id, form) = (try call.id(), try await call.form())
            let reply = try await call.call(.post, "/api/users/\(id)/reset-password")
            guard reply.ok else { return call.after(reply, to: "/users") }
            return try await list(
                &call, extra: password(reply.json["temporary_password"] as? String, for: form["email"], call: call, sent: reply.json["email_queued"] as? Bool))
        }
        DeleteRoutes(api: api, renderer: renderer).add(to: router, page: "/users", apiPath: "/api/users", texts: "user", nav: "nav_users")
    }

    private func list(_ call: inout PageCall, extra: [String: Any]) async throws -> Response {
        let reply = try await call.get(["/api/users"])[0]
        guard reply.ok else { return call.failure(reply) }
        let me = call.session.user.email
        let language = call.language
        let users = (reply.json["users"] as? [[String: Any]] ?? []).map { user -> [String: Any] in
            let role = user["role"] as? String ?? "observer"
            let email = user["email"] as? String ?? ""
            let name = [user["first_name"] as? String, user["last_name"] as? String].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return [
                "id": user["id"] as? String ?? "", "email": email, "name": name.isEmpty ? email : name,
                "role": call.text("role_\(role)"), "other_role": role == "admin" ? "observer" : "admin",
                "other_role_label": call.text(role == "admin" ? "user_make_observer" : "user_make_admin"),
                "language": (user["language"] as? String ?? "fr").uppercased(), "mfa": call.text(user["mfa_enabled"] as? Bool == true ? "yes" : "no"),
                "last_login": Display.dateTime(user["last_login_at"] as? String, language: language),
                "must_change": user["must_change_password"] as? Bool == true, "is_me": email == me,
            ]
        }
        var values: [String: Any] = ["users": users, "nav_users": true]
        if call.isAdmin { values["admin"] = ["csrf": call.session.csrfToken] }
        values.merge(call.notices(["deleted": "user_deleted"])) { $1 }
        values.merge(extra) { $1 }
        return call.page("users", title: call.text("nav_users"), values)
    }

    /// A temporary password, shown this once: only in the answer to the post that made it
    /// (`no-store`, like every page).
    private func password(_ password: String?, for email: String?, call: PageCall, sent: Bool?) -> [String: Any] {
        guard let password else { return ["done": call.text("action_done")] }
        return ["password": ["value": password, "email": email ?? "", "sent": call.text(sent == true ? "user_password_emailed" : "user_password_not_emailed")]]
    }

    private func form(_ call: PageCall, posted: [String: Any], refusal: APIClient.Reply? = nil) -> Response {
        var values: [String: Any] = [
            "csrf": call.session.csrfToken, "nav_users": true,
            "email": posted["email"] as? String ?? "", "first_name": posted["first_name"] as? String ?? "", "last_name": posted["last_name"] as? String ?? "",
            "roles": call.options(["observer", "admin"], selected: posted["role"] as? String, prefix: "role_"),
            "languages": PageRenderer.languages.map { ["key": $0, "label": $0.uppercased(), "current": $0 == posted["language"] as? String] },
        ]
        if let refusal {
            values.merge(FieldErrors.values(refusal, fields: Self.fields, codes: ["EMAIL_EXISTS": "email"], language: call.language, renderer: renderer)) { $1 }
        }
        return call.page("user-form", title: call.text("user_invite"), values, status: refusal == nil ? .ok : .badRequest)
    }
}
