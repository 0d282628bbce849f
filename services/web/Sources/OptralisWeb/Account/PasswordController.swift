import Foundation
import Hummingbird

/// The password pages: `/settings/password` (change it; where a forced or expired change sends
/// the user, and where the expiry reminder links), `/forgot-password` and `/reset-password`
/// (the reset email's link). The api checks the policy; its refusal is shown next to the form.
struct PasswordController: Sendable {
    let api: APIClient
    let sessions: SessionStore
    let renderer: PageRenderer
    let production: Bool

    /// The public pages (no session).
    func addPublicRoutes(to router: Router<WebRequestContext>) {
        router.get("/forgot-password") { request, _ -> Response in
            page("forgot-password", "forgot_title", request: request, values: ["csrf": Self.formToken(request)], setToken: true)
        }
        router.post("/forgot-password") { request, context -> Response in
            let form = try await Forms.read(request, context: context)
            guard Forms.sameToken(form["_csrf"], request.cookies[Self.formCookie]?.value ?? "") else {
                return page(
                    "forgot-password", "forgot_title", request: request, values: ["csrf": Self.formToken(request), "error": text("form_expired", request)],
                    status: .forbidden)
            }
            let reply = try await api.anonymous(.post, "/auth/request-password-reset", json: ["email": form["email"] ?? ""], clientIP: context.clientIP)
            // The api answers the same whether the address has an account or not; so does this page.
            if reply.ok { return page("forgot-password", "forgot_title", request: request, values: ["sent": true]) }
            return page(
                "forgot-password", "forgot_title", request: request,
                values: ["csrf": Self.formToken(request), "error": reply.error ?? text("api_unavailable", request)], status: .badRequest)
        }
        router.get("/reset-password") { request, _ -> Response in
            let token = request.uri.queryParameters["token"].map(String.init) ?? ""
            return page("reset-password", "reset_title", request: request, values: ["csrf": Self.formToken(request), "token": token], setToken: true)
        }
        router.post("/reset-password") { request, context -> Response in
            let form = try await Forms.read(request, context: context)
            let values: [String: Any] = ["csrf": Self.formToken(request), "token": form["token"] ?? ""]
            guard Forms.sameToken(form["_csrf"], request.cookies[Self.formCookie]?.value ?? "") else {
                return page(
                    "reset-password", "reset_title", request: request, values: values.merging(["error": text("form_expired", request)]) { $1 },
                    status: .forbidden)
            }
            guard form["new_password"] == form["confirm_password"] else {
                return page(
                    "reset-password", "reset_title", request: request, values: values.merging(["error": text("passwords_differ", request)]) { $1 },
                    status: .badRequest)
            }
            let reply = try await api.anonymous(
                .post, "/auth/reset-password", json: ["token": form["token"] ?? "", "new_password": form["new_password"] ?? ""], clientIP: context.clientIP)
            if reply.ok { return .redirect(to: "/login?reset=1", type: .normal) }
            return page(
                "reset-password", "reset_title", request: request,
                values: values.merging(["error": reply.error ?? text("api_unavailable", request)]) { $1 }, status: .badRequest)
        }
    }

    /// `/settings/password`, behind a login.
    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/settings/password") { request, context -> Response in
            let session = try DashboardController.session(context)
            return page("change-password", "change_password_title", request: request, values: changeValues(session), session: session)
        }
        router.post("/settings/password") { request, context -> Response in
            let id = try DashboardController.sessionID(context)
            var session = try DashboardController.session(context)
            let form = try await Forms.read(request, context: context)
            guard Forms.sameToken(form["_csrf"], session.csrfToken) else { return .redirect(to: "/settings/password", type: .normal) }
            guard form["new_password"] == form["confirm_password"] else {
                return page(
                    "change-password", "change_password_title", request: request,
                    values: changeValues(session).merging(["error": text("passwords_differ", request)]) { $1 }, session: session, status: .badRequest)
            }
            let reply = try await api.call(
                .post, "/api/change-password", json: ["current_password": form["current_password"] ?? "", "new_password": form["new_password"] ?? ""],
                session: &session, id: id, clientIP: context.clientIP)
            guard reply.ok, let access = reply.json["access_token"] as? String, let refresh = reply.json["refresh_token"] as? String else {
                return page(
                    "change-password", "change_password_title", request: request,
                    values: changeValues(session).merging(["error": reply.error ?? text("api_unavailable", request)]) { $1 }, session: session,
                    status: .badRequest)
            }
            // The change ended every other session; this one goes on with the new tokens.
            session.accessToken = access
            session.refreshToken = refresh
            session.user.mustChangePassword = false
            try await sessions.save(session, id: id)
            return .redirect(to: "/?changed=1", type: .normal)
        }
    }

    static let formCookie = "optralis_form_csrf"

    /// The double-submit token of the public forms: the cookie's, or a new one.
    static func formToken(_ request: Request) -> String {
        request.cookies[formCookie]?.value ?? SessionStore.randomToken()
    }

    private func changeValues(_ session: WebSession) -> [String: Any] {
        var values: [String: Any] = ["csrf": session.csrfToken]
        if session.user.mustChangePassword == true { values["forced"] = true }
        return values
    }

    private func text(_ key: String, _ request: Request) -> String {
        renderer.text(key, PageRenderer.language(of: request, session: nil))
    }

    private func page(
        _ template: String, _ titleKey: String, request: Request, values: [String: Any], session: WebSession? = nil,
        status: HTTPResponse.Status = .ok, setToken: Bool = false
    ) -> Response {
        let language = PageRenderer.language(of: request, session: session)
        var response = renderer.page(template, title: renderer.text(titleKey, language), values, request: request, session: session, status: status)
        if setToken, let token = values["csrf"] as? String, request.cookies[Self.formCookie] == nil {
            response.setCookie(.init(name: Self.formCookie, value: token, maxAge: 3600, path: "/", secure: production, httpOnly: true, sameSite: .strict))
        }
        return response
    }
}
