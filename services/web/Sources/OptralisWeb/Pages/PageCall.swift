import Foundation
import Hummingbird
import OptralisCurl

/// One request to a page behind the login: the session (whose tokens an api call may rotate),
/// the user's language, and the api and renderer, so a handler reads as the page it builds.
/// Every write goes through ``form()``, which checks the CSRF token first.
struct PageCall {
    let request: Request
    let context: WebRequestContext
    let api: APIClient
    let renderer: PageRenderer
    let sessionID: String
    var session: WebSession
    let language: String

    init(_ request: Request, _ context: WebRequestContext, api: APIClient, renderer: PageRenderer) throws {
        self.request = request
        self.context = context
        self.api = api
        self.renderer = renderer
        sessionID = try DashboardController.sessionID(context)
        session = try DashboardController.session(context)
        language = PageRenderer.language(of: request, session: session)
    }

    var isAdmin: Bool { session.role == "admin" }

    func text(_ key: String) -> String { renderer.text(key, language) }

    /// The api's answers to `paths`, read at once, in order.
    mutating func get(_ paths: [String]) async throws -> [APIClient.Reply] {
        try await api.getAll(paths, session: &session, id: sessionID, clientIP: context.clientIP)
    }

    mutating func call(_ method: OutboundRequest.Method, _ path: String, json: [String: Any]? = nil) async throws -> APIClient.Reply {
        try await api.call(method, path, json: json, session: &session, id: sessionID, clientIP: context.clientIP)
    }

    /// The posted form, once its CSRF token matches the session's (403 otherwise).
    func form() async throws -> PostedForm {
        let form = PostedForm(pairs: try await Forms.pairs(request, context: context))
        guard Forms.sameToken(form["_csrf"], session.csrfToken) else { throw HTTPError(.forbidden) }
        return form
    }

    /// The route's `:id` as a lower-case UUID; 404 for anything else.
    func id(_ name: String = "id") throws -> String {
        guard let id = context.parameters.get(name).flatMap(UUID.init(uuidString:)) else { throw HTTPError(.notFound) }
        return id.uuidString.lowercased()
    }

    /// A list's options with the current one marked, labelled by `prefix` + key in the locale.
    func options(_ keys: [String], selected: String?, prefix: String) -> [[String: Any]] {
        keys.map { ["key": $0, "label": text(prefix + $0), "current": $0 == selected] }
    }

    func page(_ name: String, title: String, _ values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        renderer.page(name, title: title, values, request: request, session: session, status: status)
    }

    /// The page asking before a deletion: `question` names what goes (`{name}` in its text is
    /// replaced by `?name=`, capped), the button posts to `action`, cancel goes `back`.
    func confirm(heading: String, question: String, button: String, action: String, back: String, backLabel: String, nav: String) -> Response {
        let name = String((request.uri.queryParameters["name"] ?? "").prefix(100))
        var values: [String: Any] = [
            "heading": text(heading), "question": text(question).replacingOccurrences(of: "{name}", with: name), "action": action,
            "back": back, "back_label": text(backLabel), "button": text(button), "csrf": session.csrfToken,
        ]
        // The admin panel's pages keep its entry current in the rail, whatever their own flag.
        if back.hasPrefix("/admin") { values["nav_admin"] = true }
        values[nav] = true
        return page("confirm", title: text(heading), values)
    }

    /// A file the api answered, passed on as a download (its type and file name kept), or the
    /// error page when it refused.
    func download(_ reply: APIClient.Reply) -> Response {
        guard reply.ok else { return failure(reply) }
        var headers: HTTPFields = [.contentType: reply.header("Content-Type") ?? "application/octet-stream", .cacheControl: "no-store"]
        if let disposition = reply.header("Content-Disposition") { headers[.contentDisposition] = disposition }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }

    func failure(_ reply: APIClient.Reply) -> Response {
        renderer.failure(reply, request: request, session: session)
    }

    /// Back to `path` after an action: `?done=<done>` when the api accepted it, else
    /// `?failed=<its code>` (a code only, never the api's text, so a crafted link puts no words
    /// on the page). ``Notices`` turns both into the page's message.
    func after(_ reply: APIClient.Reply, to path: String, done: String = "1") -> Response {
        return .redirect(
            to: path + MachineBatchController.separator(path) + (reply.ok ? "done=\(done)" : "failed=\(MachineActionsController.code(reply))"), type: .normal)
    }

    /// The `done` and `failed` messages of a page reached through ``after(_:to:done:)``; `done`
    /// names the text of each known outcome (others read "Done.").
    func notices(_ done: [String: String] = [:]) -> [String: Any] {
        var values: [String: Any] = [:]
        if let outcome = request.uri.queryParameters["done"].map(String.init) { values["done"] = text(done[outcome] ?? "action_done") }
        if let failed = request.uri.queryParameters["failed"] {
            let code = String(failed.prefix(40).filter { $0.isUppercase || $0 == "_" || $0.isNumber })
            let known = renderer.texts[language]?["code_\(code)"]
            values["failed"] = known ?? text("action_failed") + " (" + code + ")"
        }
        return values
    }
}

/// A posted form's fields in order, repeated names (checkboxes) included.
struct PostedForm: Sendable {
    let pairs: [(name: String, value: String)]

    /// The last value of `name`, trimmed of surrounding spaces.
    subscript(_ name: String) -> String? {
        pairs.last { $0.name == name }.map { $0.value.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// A number as the user typed it (a French decimal comma too), or the text itself so the api
    /// names the mistake.
    func number(_ name: String) -> Any {
        let typed = self[name] ?? ""
        return Double(typed.replacingOccurrences(of: ",", with: ".")) ?? typed
    }

    func integer(_ name: String) -> Any {
        let typed = self[name] ?? ""
        return Int(typed) ?? typed
    }

    /// A field whose empty value means JSON `null`.
    func optional(_ name: String) -> Any {
        let value = self[name] ?? ""
        return value.isEmpty ? NSNull() : value
    }
}
