import Foundation
import Hummingbird
import OptralisRedis

/// `/login` (password, then the MFA step when the account has it), `/logout`. The login form is
/// protected against cross-site posts by a double-submit token (`optralis_login_csrf`); the MFA
/// step's api session id stays server-side (`web:mfa:<id>`, 5 minutes).
struct LoginController: Sendable {
    let api: APIClient
    let sessions: SessionStore
    let renderer: PageRenderer
    let production: Bool
    static let loginCSRFCookie = "optralis_login_csrf"
    static let mfaCookie = "optralis_mfa"

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/login") { request, context -> Response in
            if context.session != nil { return .redirect(to: Forms.safeNext(request.uri.queryParameters["next"].map(String.init)), type: .found) }
            let notice = request.uri.queryParameters["reset"] != nil ? "password_reset_done" : nil
            return loginPage(request, error: request.uri.queryParameters["expired"] != nil ? "session_expired" : nil, notice: notice)
        }
        router.post("/login") { request, context -> Response in
            let form = try await Forms.read(request, context: context)
            guard Forms.sameToken(form["_csrf"], request.cookies[Self.loginCSRFCookie]?.value ?? "") else {
                return loginPage(request, error: "form_expired", status: .forbidden)
            }
            let reply = try await api.anonymous(
                .post, "/auth/login", json: ["email": form["email"] ?? "", "password": form["password"] ?? ""], clientIP: context.clientIP)
            return try await finish(reply, next: form["next"], request: request, step: .password)
        }
        router.get("/login/mfa") { request, context -> Response in
            guard let pending = try await pending(request) else { return .redirect(to: "/login?expired=1", type: .found) }
            return mfaPage(request, csrf: pending["csrf"] ?? "", error: nil)
        }
        router.post("/login/mfa") { request, context -> Response in
            let form = try await Forms.read(request, context: context)
            guard let pendingID = request.cookies[Self.mfaCookie]?.value, let stored = try await pending(request),
                Forms.sameToken(form["_csrf"], stored["csrf"] ?? "")
            else { return .redirect(to: "/login?expired=1", type: .normal) }
            let reply = try await api.anonymous(
                .post, "/auth/mfa/verify", json: ["mfa_session_id": stored["mfa_session_id"] ?? "", "code": form["code"] ?? ""], clientIP: context.clientIP)
            if reply.ok { await sessions.deletePendingMFA(pendingID) }
            return try await finish(reply, next: stored["next"], request: request, step: .mfa(csrf: stored["csrf"] ?? ""))
        }
        router.post("/logout") { request, context -> Response in
            let form = try await Forms.read(request, context: context)
            if var session = context.session, let id = context.sessionID, Forms.sameToken(form["_csrf"], session.csrfToken) {
                _ = try? await api.call(.post, "/auth/logout", session: &session, id: id, clientIP: context.clientIP)
                await sessions.delete(id)
            }
            var response = Response.redirect(to: "/login", type: .normal)
            response.setCookie(sessionCookie("", maxAge: 0))
            return response
        }
    }

    enum Step {
        case password
        case mfa(csrf: String)
    }

    /// The MFA step in progress for this browser, if any.
    private func pending(_ request: Request) async throws -> [String: String]? {
        guard let id = request.cookies[Self.mfaCookie]?.value else { return nil }
        return try await sessions.pendingMFA(id)
    }

    private func finish(_ reply: APIClient.Reply, next: String?, request: Request, step: Step) async throws -> Response {
        let json = reply.json
        if reply.ok, json["mfa_required"] as? Bool == true, let mfaSession = json["mfa_session_id"] as? String {
            let pendingID = SessionStore.newID()
            let pending = ["mfa_session_id": mfaSession, "next": Forms.safeNext(next), "csrf": SessionStore.randomToken()]
            try await sessions.savePendingMFA(pending, id: pendingID)
            var response = Response.redirect(to: "/login/mfa", type: .normal)
            response.setCookie(
                .init(name: Self.mfaCookie, value: pendingID, maxAge: 300, path: "/login", secure: production, httpOnly: true, sameSite: .strict))
            return response
        }
        guard reply.ok, let access = json["access_token"] as? String, let refresh = json["refresh_token"] as? String,
            let userJSON = json["user"], let user = try? JSONDecoder().decode(WebSession.User.self, from: JSONSerialization.data(withJSONObject: userJSON))
        else {
            let error = Self.message(for: reply)
            switch step {
            case .password: return loginPage(request, error: error, status: reply.status == 403 ? .forbidden : .unauthorized)
            case .mfa(let csrf): return mfaPage(request, csrf: csrf, error: error, status: .unauthorized)
            }
        }
        let id = SessionStore.newID()
        try await sessions.save(WebSession(accessToken: access, refreshToken: refresh, csrfToken: SessionStore.randomToken(), user: user), id: id)
        // A first login, an admin's reset or an expired password: the change comes first.
        let target = user.mustChangePassword == true ? "/settings/password" : Forms.safeNext(next)
        var response = Response.redirect(to: target, type: .normal)
        response.setCookie(sessionCookie(id, maxAge: SessionStore.lifetimeSeconds))
        response.setCookie(.init(name: Self.mfaCookie, value: "", maxAge: 0, path: "/login", secure: production, httpOnly: true, sameSite: .strict))
        return response
    }

    /// The locale key of the message for an api refusal.
    static func message(for reply: APIClient.Reply) -> String {
        switch reply.code {
        case "INVALID_CREDENTIALS": "invalid_credentials"
        case "INVALID_MFA": "invalid_mfa"
        case "RATE_LIMITED": "rate_limited"
        case "LICENSE_SUSPENDED": "licence_suspended"
        case "LICENSE_EXPIRED": "licence_expired"
        case "VALIDATION_ERROR", "BAD_REQUEST": "fields_required"
        default: "api_unavailable"
        }
    }

    private func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        .init(name: SessionStore.cookie, value: value, maxAge: maxAge, path: "/", secure: production, httpOnly: true, sameSite: .strict)
    }

    private func loginPage(_ request: Request, error: String?, notice: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let token = request.cookies[Self.loginCSRFCookie]?.value ?? SessionStore.randomToken()
        let language = PageRenderer.language(of: request, session: nil)
        var values: [String: Any] = ["csrf": token, "next": Forms.safeNext(request.uri.queryParameters["next"].map(String.init))]
        if let error { values["error"] = renderer.text(error, language) }
        if let notice { values["notice"] = renderer.text(notice, language) }
        var response = renderer.page("login", title: renderer.text("login_title", language), values, request: request, session: nil, status: status)
        response.setCookie(.init(name: Self.loginCSRFCookie, value: token, maxAge: 3600, path: "/login", secure: production, httpOnly: true, sameSite: .strict))
        return response
    }

    private func mfaPage(_ request: Request, csrf: String, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        let language = PageRenderer.language(of: request, session: nil)
        var values: [String: Any] = ["csrf": csrf]
        if let error { values["error"] = renderer.text(error, language) }
        return renderer.page("login-mfa", title: renderer.text("mfa_title", language), values, request: request, session: nil, status: status)
    }
}
