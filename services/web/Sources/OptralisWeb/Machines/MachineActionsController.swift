import Foundation
import Hummingbird

/// The machine page's admin actions, each a form posting here and answered by a redirect back
/// to the page (`?done=1` or `?failed=<api code>`): maintenance on/off, update channel, force collect, and
/// delete after a confirmation page that names the machine. Observers get no form; the api
/// refuses them anyway (403), whatever is posted.
struct MachineActionsController: Sendable {
    let api: APIClient
    let renderer: PageRenderer

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.post("/machines/:id/maintenance") { request, context -> Response in
            try await act(request, context) { id, form, session, sessionID in
                try await api.call(
                    .put, "/api/machines/\(id)/maintenance", json: ["enabled": form["enabled"] == "true"], session: &session, id: sessionID,
                    clientIP: context.clientIP)
            }
        }
        router.post("/machines/:id/channel") { request, context -> Response in
            try await act(request, context) { id, form, session, sessionID in
                try await api.call(
                    .put, "/api/machines/\(id)/channel", json: ["channel": form["channel"] ?? ""], session: &session, id: sessionID, clientIP: context.clientIP)
            }
        }
        router.post("/machines/:id/force-collect") { request, context -> Response in
            try await act(request, context) { id, form, session, sessionID in
                try await api.call(
                    .post, "/api/machines/by-hostname/\(Self.pathComponent(form["hostname"] ?? ""))/force-collect", session: &session, id: sessionID,
                    clientIP: context.clientIP)
            }
        }
        router.get("/machines/:id/delete") { request, context -> Response in
            let session = try DashboardController.session(context)
            let language = PageRenderer.language(of: request, session: session)
            let hostname = request.uri.queryParameters["hostname"].map(String.init) ?? ""
            return renderer.page(
                "machine-delete", title: renderer.text("delete_machine", language),
                [
                    "id": context.parameters.get("id") ?? "", "hostname": hostname, "csrf": session.csrfToken, "nav_machines": true,
                    "question": renderer.text("delete_question", language).replacingOccurrences(of: "{hostname}", with: hostname),
                ],
                request: request, session: session)
        }
        router.post("/machines/:id/delete") { request, context -> Response in
            let sessionID = try DashboardController.sessionID(context)
            var session = try DashboardController.session(context)
            let form = try await Forms.read(request, context: context)
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)), Forms.sameToken(form["_csrf"], session.csrfToken) else {
                throw HTTPError(.forbidden)
            }
            let reply = try await api.call(
                .delete, "/api/machines/by-hostname/\(Self.pathComponent(form["hostname"] ?? ""))", session: &session, id: sessionID, clientIP: context.clientIP
            )
            if reply.ok { return .redirect(to: "/machines?deleted=1", type: .normal) }
            return .redirect(to: "/machines/\(id.uuidString.lowercased())?failed=\(Self.code(reply))", type: .normal)
        }
    }

    /// Checks the form's CSRF token, runs the api call, and sends the browser back to the page.
    private func act(
        _ request: Request, _ context: WebRequestContext,
        _ call: (String, [String: String], inout WebSession, String) async throws -> APIClient.Reply
    ) async throws -> Response {
        let sessionID = try DashboardController.sessionID(context)
        var session = try DashboardController.session(context)
        let form = try await Forms.read(request, context: context)
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)), Forms.sameToken(form["_csrf"], session.csrfToken) else {
            throw HTTPError(.forbidden)
        }
        let machine = id.uuidString.lowercased()
        let reply = try await call(machine, form, &session, sessionID)
        if reply.ok { return .redirect(to: "/machines/\(machine)?done=1", type: .normal) }
        return .redirect(to: "/machines/\(machine)?failed=\(Self.code(reply))", type: .normal)
    }

    static func pathComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? ""
    }

    /// The api's error code (`FORBIDDEN`, `CA_UNAVAILABLE`…), never its text: the page shows a
    /// message of its own for it, so a crafted link cannot put words on the page.
    static func code(_ reply: APIClient.Reply) -> String {
        let code = reply.code ?? "ERROR"
        return code.allSatisfy { $0.isUppercase || $0 == "_" || $0.isNumber } ? String(code.prefix(40)) : "ERROR"
    }
}
