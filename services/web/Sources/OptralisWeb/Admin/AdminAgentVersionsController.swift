import Foundation
import Hummingbird

/// `/admin/agent-versions`: the agent versions (`/api/admin/agent-versions`) with their file,
/// checksum and changelog; publishing one from a build already in the downloads directory with
/// its `.sig` (`GET /api/admin/agent-downloads` lists them: the api has no upload route, so the
/// page says where the files go and how a build is signed); promoting a beta to stable; deleting
/// after a confirmation (the api deletes the file and its signature too).
struct AdminAgentVersionsController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let page = "/admin/agent-versions"
    static let channels = ["stable", "beta"]
    static let platforms = ["linux", "windows"]
    static let architectures = ["amd64", "arm64"]
    static let fields: Set<String> = ["version", "channel", "platform", "architecture", "file_name", "changelog"]
    /// Refusals whose message names no field, placed next to the one they are about.
    static let codes = [
        "FILE_NOT_FOUND": "file_name", "CHECKSUM_MISMATCH": "file_name", "SIGNATURE_MISSING": "file_name", "SIGNATURE_INVALID": "file_name",
        "VERSION_EXISTS": "version",
    ]

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get(RouterPath(Self.page)) { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await list(&call, posted: [:], refusal: nil)
        }
        router.post(RouterPath(Self.page)) { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let form = try await call.form()
            // The file is chosen as `<channel>/<name>`: its folder is its channel.
            let file = (form["file"] ?? "").split(separator: "/", maxSplits: 1).map(String.init)
            let body: [String: Any] = [
                "version": form["version"] ?? "", "channel": file.first ?? "", "file_name": file.count > 1 ? file[1] : "",
                "platform": form["platform"] ?? "", "architecture": form["architecture"] ?? "", "changelog": form["changelog"] ?? "",
            ]
            let reply = try await call.call(.post, "/api/admin/agent-versions", json: body)
            if reply.ok || reply.status == 403 { return call.after(reply, to: Self.page, done: "created") }
            var posted = body
            posted["file"] = form["file"] ?? ""
            return try await list(&call, posted: posted, refusal: reply)
        }
        router.post(RouterPath(Self.page + "/:id/promote")) { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            _ = try await call.form()
            return call.after(try await call.call(.post, "/api/admin/agent-versions/\(id)/promote"), to: Self.page, done: "promoted")
        }
        DeleteRoutes(api: api, renderer: renderer).add(
            to: router, page: Self.page, apiPath: "/api/admin/agent-versions", texts: "agent_version", nav: "admin_agent_versions")
    }

    /// The versions, the publish form (blank, or as posted with the api's refusal beside its
    /// field) and the downloads directory's files.
    private func list(_ call: inout PageCall, posted: [String: Any], refusal: APIClient.Reply?) async throws -> Response {
        let query = call.request.uri.queryParameters
        let channel = AdminQuery.choice(query["channel"], in: Self.channels), platform = AdminQuery.choice(query["platform"], in: Self.platforms)
        let replies = try await call.get([
            "/api/admin/agent-versions" + AdminQuery.string([("channel", channel), ("platform", platform)]), "/api/admin/agent-downloads",
        ])
        guard replies[0].ok else { return call.failure(replies[0]) }
        let language = call.language
        let versions = (replies[0].json["versions"] as? [[String: Any]] ?? []).map { version -> [String: Any] in
            let active = version["is_active"] as? Bool == true
            let name =
                "\(version["version"] as? String ?? "") (\(version["channel"] as? String ?? ""), \(version["platform"] as? String ?? "") \(version["architecture"] as? String ?? ""))"
            return [
                "id": version["id"] as? String ?? "", "version": version["version"] as? String ?? "", "name": name,
                "channel": call.text("channel_\(version["channel"] as? String ?? "stable")"), "platform": version["platform"] as? String ?? "",
                "architecture": version["architecture"] as? String ?? "", "is_beta": version["channel"] as? String == "beta",
                "state": Pill.make(active ? "online" : "offline", language: language, renderer: renderer),
                "state_label": call.text(active ? "version_active" : "version_inactive"),
                "size": Self.size(version["file_size_bytes"] as? Int), "checksum": String((version["checksum_sha256"] as? String ?? "").prefix(12)),
                "checksum_full": version["checksum_sha256"] as? String ?? "", "file": version["file_path"] as? String ?? "",
                "download_url": version["download_url"] as? String ?? "", "changelog": version["changelog"] as? String ?? "",
                "created": Display.dateTime(version["created_at"] as? String, language: language),
            ]
        }
        let files = replies[1].ok ? replies[1].json["files"] as? [[String: Any]] ?? [] : []
        let paths = Set(files.compactMap { $0["path"] as? String })
        let rows = files.map { file -> [String: Any] in
            let path = file["path"] as? String ?? ""
            return [
                "path": path, "size": Self.size(file["size_bytes"] as? Int), "modified": Display.dateTime(file["modified_at"] as? String, language: language),
                "signed": path.hasSuffix(".sig") || path.hasSuffix(".json") ? "—" : call.text(paths.contains(path + ".sig") ? "yes" : "no"),
            ]
        }
        // Builds only: neither signatures nor metadata files are published as versions.
        let builds = rows.compactMap { $0["path"] as? String }.filter { !$0.hasSuffix(".sig") && !$0.hasSuffix(".json") }
        func options(_ keys: [String], _ selected: Any?, text: (String) -> String) -> [[String: Any]] {
            keys.map { ["key": $0, "label": text($0), "current": $0 == selected as? String] }
        }
        var values: [String: Any] = [
            "versions": versions, "has_versions": !versions.isEmpty, "files": rows, "has_files": !rows.isEmpty, "csrf": call.session.csrfToken,
            "builds": builds.map { ["path": $0, "current": $0 == posted["file"] as? String] as [String: Any] }, "has_builds": !builds.isEmpty,
            "channel_filters": options(Self.channels, channel) { call.text("channel_\($0)") },
            "platform_filters": options(Self.platforms, platform) { $0 },
            "platforms": options(Self.platforms, posted["platform"] ?? "linux") { $0 },
            "architectures": options(Self.architectures, posted["architecture"] ?? "amd64") { $0 },
            "version": posted["version"] as? String ?? "", "changelog": posted["changelog"] as? String ?? "",
            "nav_admin": true, "admin_agent_versions": true,
        ]
        if let refusal {
            values.merge(FieldErrors.values(refusal, fields: Self.fields, codes: Self.codes, language: call.language, renderer: renderer)) { $1 }
            // The channel is the chosen file's folder: its refusal is the file's.
            if var errors = values["errors"] as? [String: String], let channelError = errors["channel"] {
                errors["file_name"] = channelError
                values["errors"] = errors
            }
        }
        values.merge(call.notices(["created": "version_created", "promoted": "version_promoted", "deleted": "agent_version_deleted"])) { $1 }
        return call.page("admin-agent-versions", title: call.text("admin_agent_versions"), values, status: refusal == nil ? .ok : .badRequest)
    }

    /// A size in bytes as KB or MB.
    static func size(_ bytes: Int?) -> String {
        guard let bytes else { return "—" }
        if bytes < 1024 * 1024 { return LineChart.number(Double(bytes) / 1024, decimals: 1) + " KB" }
        return LineChart.number(Double(bytes) / 1024 / 1024, decimals: 1) + " MB"
    }
}
