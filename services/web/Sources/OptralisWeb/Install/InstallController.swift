import Foundation
import Hummingbird

/// `/install`: the client's usable install tokens (`GET /api/install-tokens`), the newest stable
/// agent per platform with its checksum (`GET /api/public/latest-version`), and the Linux and
/// Windows installers. Admins create tokens (the secret and the install commands are shown once, on the
/// page answering the form), revoke them after a confirmation, and download an installer, which
/// the api writes with a fresh token of its own. Observers read; the api refuses their posts.
struct InstallController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let architectures = ["amd64", "arm64"]
    /// The agent builds the page lists: (platform, architecture).
    static let builds = [("linux", "amd64"), ("linux", "arm64"), ("windows", "amd64")]
    static let fields: Set<String> = ["name", "duration_minutes", "max_usage", "allow_reenrolment"]

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/install") { request, context -> Response in
            try await page(request, context)
        }
        router.post("/install/tokens") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let form = try await call.form()
            let body: [String: Any] = [
                "name": form["name"] ?? "", "duration_minutes": form.integer("duration_minutes"), "max_usage": form.integer("max_usage"),
                "allow_reenrolment": form["allow_reenrolment"] == "on",
            ]
            let reply = try await call.call(.post, "/api/install-tokens", json: body)
            if reply.status == 403 { return call.after(reply, to: "/install") }
            guard reply.ok else {
                var posted = body
                posted["duration_minutes"] = form["duration_minutes"] ?? ""
                posted["max_usage"] = form["max_usage"] ?? ""
                return try await page(request, context, posted: posted, refusal: reply)
            }
            let token = reply.json["token"] as? [String: Any] ?? [:]
            return call.page(
                "install-token", title: call.text("install_token_created"),
                [
                    "nav_install": true, "name": token["name"] as? String ?? "", "secret": token["token"] as? String ?? "",
                    "expires": Display.dateTime(token["expires_at"] as? String, language: call.language),
                    "usage": Self.usage(token),
                    "curl_command": reply.json["curl_command"] as? String ?? "", "powershell_command": reply.json["powershell_command"] as? String ?? "",
                ])
        }
        DeleteRoutes(api: api, renderer: renderer).add(
            to: router, page: "/install/tokens", apiPath: "/api/install-tokens", texts: "install_token", nav: "nav_install", back: "/install",
            verb: "revoke", done: "revoked")
        // Posts, not links: the api mints a token for each installer it writes.
        router.post("/install/linux/:arch") { request, context -> Response in
            guard let arch = context.parameters.get("arch"), Self.architectures.contains(arch) else { throw HTTPError(.notFound) }
            return try await installer(request, context, apiPath: "/api/installer/linux/\(arch)")
        }
        router.post("/install/windows") { request, context -> Response in
            try await installer(request, context, apiPath: "/api/installer/windows")
        }
    }

    /// The api's installer as a download; a refusal goes back to the page with its reason.
    private func installer(_ request: Request, _ context: WebRequestContext, apiPath: String) async throws -> Response {
        var call = try PageCall(request, context, api: api, renderer: renderer)
        _ = try await call.form()
        let reply = try await call.call(.get, apiPath)
        guard reply.ok else { return call.after(reply, to: "/install") }
        return call.download(reply)
    }

    /// The page; after a refused token, with what was typed and the api's reason by its field.
    private func page(_ request: Request, _ context: WebRequestContext, posted: [String: Any]? = nil, refusal: APIClient.Reply? = nil) async throws -> Response
    {
        var call = try PageCall(request, context, api: api, renderer: renderer)
        let language = call.language
        let replies = try await call.get(
            ["/api/install-tokens"] + Self.builds.map { "/api/public/latest-version?channel=stable&platform=\($0.0)&architecture=\($0.1)" })
        guard replies[0].ok else { return call.failure(replies[0]) }
        let tokens = (replies[0].json["tokens"] as? [[String: Any]] ?? []).map { token -> [String: Any] in
            [
                "id": token["id"] as? String ?? "", "name": token["name"] as? String ?? "",
                "usage": Self.usage(token),
                "expires": Display.dateTime(token["expires_at"] as? String, language: language),
                "reenrolment": renderer.text(token["allow_reenrolment"] as? Bool == true ? "yes" : "no", language),
                // The api lists only the tokens still usable: not revoked, not expired, not used up.
                "state": Pill.make("online", language: language, renderer: renderer), "state_label": renderer.text("install_token_active", language),
            ]
        }
        let versions = zip(Self.builds, replies.dropFirst()).map { build, reply -> [String: Any] in
            [
                "platform": "\(build.0)/\(build.1)", "published": reply.ok, "version": reply.json["version"] as? String ?? "",
                "checksum": reply.json["checksum_sha256"] as? String ?? "", "download_url": reply.json["download_url"] as? String ?? "",
                "size": (reply.json["file_size_bytes"] as? Int).map { LineChart.number(Double($0) / 1_000_000, decimals: 1) + " MB" } ?? "",
            ]
        }
        var values: [String: Any] = ["tokens": tokens, "has_tokens": !tokens.isEmpty, "versions": versions, "nav_install": true]
        if call.isAdmin {
            let typed = posted ?? ["duration_minutes": "15", "max_usage": "1"]
            values["admin"] =
                [
                    "csrf": call.session.csrfToken, "architectures": Self.architectures, "name": typed["name"] as? String ?? "",
                    "duration_minutes": "\(typed["duration_minutes"] ?? "15")", "max_usage": "\(typed["max_usage"] ?? "1")",
                    "allow_reenrolment": typed["allow_reenrolment"] as? Bool == true,
                ] as [String: Any]
        }
        if let refusal { values.merge(FieldErrors.values(refusal, fields: Self.fields, language: language, renderer: renderer)) { $1 } }
        values.merge(call.notices(["revoked": "install_token_revoked"])) { $1 }
        return call.page("install", title: call.text("nav_install"), values, status: refusal == nil ? .ok : .badRequest)
    }

    /// `used/allowed`, ∞ for an unlimited token.
    static func usage(_ token: [String: Any]) -> String {
        let maximum = token["max_usage"] as? Int ?? 0
        return "\(token["usage_count"] as? Int ?? 0) / " + (maximum == 0 ? "∞" : String(maximum))
    }
}
