import Foundation
import Hummingbird

/// `/admin/systems`: the systems agents may be installed on (`/api/admin/agent-requirements`,
/// read and edited: Windows client and server each on or off with a minimum build, Linux on or
/// off, the message installers show on a refused system) and the Windows builds the dashboard
/// names (`/api/admin/windows-builds`), with the refresh from endoflife.date's feeds
/// (`POST …/refresh`), whose outcome is rendered in answer to the post.
struct AdminSystemsController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let fields: Set<String> = [
        "windows_client_enabled", "windows_client_min_build", "windows_server_enabled", "windows_server_min_build", "linux_enabled",
        "unsupported_os_message",
    ]

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/admin/systems") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await page(&call)
        }
        router.post("/admin/systems/requirements") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let form = try await call.form()
            let body: [String: Any] = [
                "windows_client_enabled": form["windows_client_enabled"] == "on", "windows_client_min_build": form.integer("windows_client_min_build"),
                "windows_server_enabled": form["windows_server_enabled"] == "on", "windows_server_min_build": form.integer("windows_server_min_build"),
                "linux_enabled": form["linux_enabled"] == "on", "unsupported_os_message": form.optional("unsupported_os_message"),
            ]
            let reply = try await call.call(.put, "/api/admin/agent-requirements", json: body)
            if reply.ok || reply.status == 403 { return call.after(reply, to: "/admin/systems", done: "requirements") }
            var posted = body
            posted["windows_client_min_build"] = form["windows_client_min_build"] ?? ""
            posted["windows_server_min_build"] = form["windows_server_min_build"] ?? ""
            var values = FieldErrors.values(reply, fields: Self.fields, language: call.language, renderer: renderer)
            values["posted"] = posted
            return try await page(&call, extra: values, status: .badRequest)
        }
        router.post("/admin/systems/windows-builds/refresh") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            _ = try await call.form()
            let reply = try await call.call(.post, "/api/admin/windows-builds/refresh")
            guard reply.ok else {
                let code = MachineActionsController.code(reply)
                return try await page(&call, extra: ["failed": renderer.texts[call.language]?["code_\(code)"] ?? call.text("action_failed") + " (\(code))"])
            }
            let outcome = call.text("builds_refreshed")
                .replacingOccurrences(of: "{inserted}", with: String(reply.json["inserted"] as? Int ?? 0))
                .replacingOccurrences(of: "{updated}", with: String(reply.json["updated"] as? Int ?? 0))
                .replacingOccurrences(of: "{received}", with: String(reply.json["received"] as? Int ?? 0))
            return try await page(&call, extra: ["done": outcome])
        }
    }

    /// The requirements form (as stored, or as posted with the api's refusal in `extra`) and the
    /// builds of each type.
    private func page(_ call: inout PageCall, extra: [String: Any] = [:], status: HTTPResponse.Status = .ok) async throws -> Response {
        let replies = try await call.get(["/api/admin/agent-requirements", "/api/admin/windows-builds"])
        guard replies[0].ok else { return call.failure(replies[0]) }
        let requirements = extra["posted"] as? [String: Any] ?? replies[0].json
        let language = call.language
        func builds(_ type: String) -> [[String: Any]] {
            (replies[1].json[type] as? [[String: Any]] ?? []).map { build in
                let active = build["is_active"] as? Bool == true
                return [
                    "build": build["build_number"] as? Int ?? 0, "name": build["name"] as? String ?? "",
                    "released": (build["release_date"] as? String).map { String($0.prefix(10)) } ?? "—",
                    "state": Pill.make(active ? "online" : "offline", language: language, renderer: renderer),
                    "state_label": call.text(active ? "version_active" : "version_inactive"),
                ]
            }
        }
        func number(_ key: String) -> String { (requirements[key] as? Int).map(String.init) ?? requirements[key] as? String ?? "0" }
        let client = builds("client"), server = builds("server")
        var values: [String: Any] = [
            "csrf": call.session.csrfToken, "nav_admin": true, "admin_systems": true,
            "windows_client_enabled": requirements["windows_client_enabled"] as? Bool == true, "windows_client_min_build": number("windows_client_min_build"),
            "windows_server_enabled": requirements["windows_server_enabled"] as? Bool == true, "windows_server_min_build": number("windows_server_min_build"),
            "linux_enabled": requirements["linux_enabled"] as? Bool == true, "unsupported_os_message": requirements["unsupported_os_message"] as? String ?? "",
            "client_builds": client, "server_builds": server, "has_client_builds": !client.isEmpty, "has_server_builds": !server.isEmpty,
        ]
        values.merge(call.notices(["requirements": "requirements_saved"])) { $1 }
        values.merge(extra) { $1 }
        return call.page("admin-systems", title: call.text("admin_systems"), values, status: status)
    }
}
