import Foundation
import Hummingbird
import OptralisQR

/// `/settings/security`: two-step verification. Set-up shows the api's `otpauth://` address as a
/// QR code (libqrencode, drawn as SVG), the secret for manual entry and the backup codes, once;
/// a current code then turns MFA on. Turning it off needs the password and a current or backup
/// code (the api checks both).
struct SecurityController: Sendable {
    let api: APIClient
    let renderer: PageRenderer

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/settings/security") { request, context -> Response in
            let id = try DashboardController.sessionID(context)
            var session = try DashboardController.session(context)
            let status = try await api.call(.get, "/api/users/mfa/status", session: &session, id: id, clientIP: context.clientIP)
            var values = base(session, request: request)
            values["enabled"] = status.json["enabled"] as? Bool == true
            values["backup_left"] = status.json["backup_codes_left"] as? Int ?? 0
            return page(values, request: request, session: session)
        }
        router.post("/settings/security/setup") { request, context -> Response in
            let (session, id, _) = try await checked(request, context)
            var current = session
            let reply = try await api.call(.post, "/api/users/mfa/setup", session: &current, id: id, clientIP: context.clientIP)
            var values = base(current, request: request)
            guard reply.ok, let url = reply.json["qr_code_url"] as? String, let secret = reply.json["secret"] as? String else {
                values["error"] = reply.error ?? renderer.text("api_unavailable", PageRenderer.language(of: request, session: current))
                return page(values, request: request, session: current, status: .badRequest)
            }
            values["setup"] =
                [
                    "qr": try QRCode(url).svg(label: renderer.text("mfa_qr_label", PageRenderer.language(of: request, session: current))),
                    "secret": secret, "codes": reply.json["backup_codes"] as? [String] ?? [],
                ] as [String: Any]
            return page(values, request: request, session: current)
        }
        router.post("/settings/security/verify") { request, context -> Response in
            let (session, id, form) = try await checked(request, context)
            var current = session
            let reply = try await api.call(
                .post, "/api/users/mfa/verify", json: ["code": form["code"] ?? ""], session: &current, id: id, clientIP: context.clientIP)
            return reply.ok ? .redirect(to: "/settings/security?done=1", type: .normal) : failed(reply, request: request, session: current)
        }
        router.post("/settings/security/disable") { request, context -> Response in
            let (session, id, form) = try await checked(request, context)
            var current = session
            let reply = try await api.call(
                .delete, "/api/users/mfa/disable", json: ["password": form["password"] ?? "", "code": form["code"] ?? ""], session: &current, id: id,
                clientIP: context.clientIP)
            return reply.ok ? .redirect(to: "/settings/security?done=1", type: .normal) : failed(reply, request: request, session: current)
        }
    }

    private func checked(_ request: Request, _ context: WebRequestContext) async throws -> (WebSession, String, [String: String]) {
        let id = try DashboardController.sessionID(context)
        let session = try DashboardController.session(context)
        let form = try await Forms.read(request, context: context)
        guard Forms.sameToken(form["_csrf"], session.csrfToken) else { throw HTTPError(.forbidden) }
        return (session, id, form)
    }

    private func base(_ session: WebSession, request: Request) -> [String: Any] {
        var values: [String: Any] = ["csrf": session.csrfToken]
        if request.uri.queryParameters["done"] != nil { values["done"] = renderer.text("action_done", PageRenderer.language(of: request, session: session)) }
        return values
    }

    private func failed(_ reply: APIClient.Reply, request: Request, session: WebSession) -> Response {
        var values = base(session, request: request)
        values["error"] = reply.error ?? renderer.text("api_unavailable", PageRenderer.language(of: request, session: session))
        return page(values, request: request, session: session, status: .badRequest)
    }

    private func page(_ values: [String: Any], request: Request, session: WebSession, status: HTTPResponse.Status = .ok) -> Response {
        renderer.page(
            "security", title: renderer.text("security_title", PageRenderer.language(of: request, session: session)), values, request: request,
            session: session, status: status)
    }
}
