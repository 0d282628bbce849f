import Foundation
import Hummingbird

/// `/notifications`: the client's channels (email addresses, or a webhook URL the api shows
/// masked) with the alert types each receives, and every delivery attempt with its status and
/// error. Admins add, edit and delete channels and send a real test through the notifier, whose
/// outcome the page shows; observers read, with no form.
struct NotificationsController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let types = ["email", "webhook_slack", "webhook_teams", "webhook_discord"]
    static let fields: Set<String> = ["name", "type", "emails", "webhook_url", "card_version", "alert_types", "site_id"]
    static let statuses = ["sent", "failed", "dead_letter"]

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/notifications") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await list(&call, outcome: [:])
        }
        router.get("/notifications/new") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            guard let type = request.uri.queryParameters["type"].map(String.init), Self.types.contains(type) else {
                return call.page(
                    "channel-form", title: call.text("channel_new"),
                    [
                        "title": call.text("channel_new"), "nav_notifications": true, "choose": true,
                        "types": Self.types.map { ["key": $0, "label": call.text("channel_type_\($0)")] },
                    ])
            }
            return try await form(
                &call, channelID: nil, channel: ["type": type, "enabled": true, "alert_types": ["machine_offline", "disk_critical", "smart_warning"]])
        }
        router.get("/notifications/:id/edit") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            let reply = try await call.call(.get, "/api/notifications/channels/\(id)")
            guard reply.ok else { return call.failure(reply) }
            return try await form(&call, channelID: id, channel: reply.json)
        }
        router.post("/notifications") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await save(&call, channelID: nil)
        }
        router.post("/notifications/:id") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await save(&call, channelID: try call.id())
        }
        router.post("/notifications/:id/test") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            _ = try await call.form()
            let reply = try await call.call(.post, "/api/notifications/channels/\(id)/test")
            return try await list(&call, outcome: outcome(reply, call: call))
        }
        DeleteRoutes(api: api, renderer: renderer).add(
            to: router, page: "/notifications", apiPath: "/api/notifications/channels", texts: "channel", nav: "nav_notifications")
    }

    /// The channels, and a page of the delivery history filtered by channel and status. A test's
    /// outcome comes in `outcome` (rendered in answer to its post, so the notifier's error text
    /// never travels in a link).
    private func list(_ call: inout PageCall, outcome: [String: Any]) async throws -> Response {
        let query = call.request.uri.queryParameters
        let channelFilter = query["channel_id"].flatMap { UUID(uuidString: String($0)) }?.uuidString.lowercased()
        let statusFilter = query["status"].map(String.init).flatMap { Self.statuses.contains($0) ? $0 : nil }
        let page = query["page"].flatMap { Int($0) }.map { min(max($0, 1), 1000) } ?? 1
        var history = "/api/notifications/history?limit=50&page=\(page)"
        if let channelFilter { history += "&channel_id=\(channelFilter)" }
        if let statusFilter { history += "&status=\(statusFilter)" }
        let replies = try await call.get(["/api/notifications/channels", "/api/notifications/types", history])
        guard replies[0].ok else { return call.failure(replies[0]) }
        let labels = alertTypeLabels(replies[1], language: call.language)
        let language = call.language
        let channels = (replies[0].json["channels"] as? [[String: Any]] ?? []).map { channel -> [String: Any] in
            let config = channel["config"] as? [String: Any] ?? [:]
            let enabled = channel["enabled"] as? Bool == true
            let type = channel["type"] as? String ?? ""
            return [
                "id": channel["id"] as? String ?? "", "name": channel["name"] as? String ?? "",
                "type": call.text("channel_type_\(type)"),
                "target": (config["emails"] as? [String])?.joined(separator: ", ") ?? config["webhook_url"] as? String ?? "—",
                "alert_types": (channel["alert_types"] as? [String] ?? []).map { labels[$0] ?? $0 }.joined(separator: ", "),
                "state": Pill.make(enabled ? "online" : "offline", language: language, renderer: renderer),
                "state_label": call.text(enabled ? "rule_on" : "rule_off"),
            ]
        }
        let names = Dictionary(channels.map { ($0["id"] as? String ?? "", $0["name"] as? String ?? "") }, uniquingKeysWith: { first, _ in first })
        let entries = replies[2].ok ? replies[2].json : [:]
        let rows = (entries["history"] as? [[String: Any]] ?? []).map { entry -> [String: Any] in
            let status = entry["status"] as? String ?? "failed"
            return [
                "pill": Pill.make(status == "sent" ? "online" : (status == "failed" ? "warning" : "critical"), language: language, renderer: renderer),
                "status": call.text("delivery_\(status)"), "at": Display.dateTime(entry["sent_at"] as? String, language: language),
                "channel": (entry["channel_id"] as? String).flatMap { names[$0] } ?? call.text("channel_type_\(entry["channel_type"] as? String ?? "")"),
                "alert_type": labels[entry["alert_type"] as? String ?? ""] ?? entry["alert_type"] as? String ?? "",
                "subject": entry["subject"] as? String ?? "", "attempts": entry["attempts"] as? Int ?? 1,
                "error": entry["error"] as? String ?? "",
            ]
        }
        let total = entries["total"] as? Int ?? 0
        var values: [String: Any] = [
            "channels": channels, "has_channels": !channels.isEmpty, "history": rows, "has_history": !rows.isEmpty,
            "nav_notifications": true, "total": total,
            "channel_filters": channels.map { ["id": $0["id"] ?? "", "name": $0["name"] ?? "", "current": ($0["id"] as? String) == channelFilter] },
            "status_filters": call.options(Self.statuses, selected: statusFilter, prefix: "delivery_"),
        ]
        var pageLink = "/notifications?"
        if let channelFilter { pageLink += "channel_id=\(channelFilter)&" }
        if let statusFilter { pageLink += "status=\(statusFilter)&" }
        if page * 50 < total { values["older"] = pageLink + "page=\(page + 1)" }
        if page > 1 { values["newer"] = pageLink + "page=\(page - 1)" }
        if call.isAdmin { values["admin"] = ["csrf": call.session.csrfToken] }
        values.merge(call.notices(["deleted": "channel_deleted"])) { $1 }
        values.merge(outcome) { $1 }
        return call.page("notifications", title: call.text("nav_notifications"), values)
    }

    /// What the page says of a test: sent, failed with the notifier's error, still queued, or
    /// refused by the api (its limit of 10 a minute, a role).
    private func outcome(_ reply: APIClient.Reply, call: PageCall) -> [String: Any] {
        guard reply.ok else {
            let code = MachineActionsController.code(reply)
            return ["failed": call.renderer.texts[call.language]?["code_\(code)"] ?? call.text("action_failed") + " (\(code))"]
        }
        switch reply.json["status"] as? String {
        case "sent": return ["done": call.text("test_sent")]
        case "pending": return ["pending": call.text("test_pending")]
        default: return ["failed": call.text("test_failed") + " " + (reply.json["error"] as? String ?? "")]
        }
    }

    /// The api's alert types in the page's language (`label` is French, `label_en` English).
    private func alertTypeLabels(_ reply: APIClient.Reply, language: String) -> [String: String] {
        Dictionary(
            (reply.json["types"] as? [[String: Any]] ?? []).compactMap { type in
                (type["key"] as? String).map { ($0, (language == "en" ? type["label_en"] : type["label"]) as? String ?? $0) }
            }, uniquingKeysWith: { first, _ in first })
    }

    /// The add or edit form of one channel type, from the channel (edit), its defaults (new), or
    /// what was posted when the api refused it, with its reason next to the field.
    private func form(_ call: inout PageCall, channelID: String?, channel: [String: Any], refusal: APIClient.Reply? = nil) async throws -> Response {
        let replies = try await call.get(["/api/notifications/types", "/api/sites"])
        let types = replies[0]
        // Below Business the sites answer 403: the form has no site field, and a save sends none.
        let sites = replies[1].ok ? replies[1].list : []
        let site = channel["site_id"] as? String ?? ""
        let type = channel["type"] as? String ?? "email"
        let config = channel["config"] as? [String: Any] ?? [:]
        let chosen = Set(channel["alert_types"] as? [String] ?? [])
        let labels = alertTypeLabels(types, language: call.language)
        let title = call.text(channelID == nil ? "channel_new" : "channel_edit") + " · " + call.text("channel_type_\(type)")
        var values: [String: Any] = [
            "title": title, "nav_notifications": true, "csrf": call.session.csrfToken, "type": type,
            "name": channel["name"] as? String ?? "", "enabled": channel["enabled"] as? Bool == true,
            "is_email": type == "email", "is_teams": type == "webhook_teams", "is_webhook": type != "email",
            "emails": (config["emails"] as? [String])?.joined(separator: "\n") ?? config["emails"] as? String ?? "",
            "masked_url": channelID == nil ? "" : config["webhook_url"] as? String ?? "", "typed_url": channel["typed_url"] as? String ?? "",
            "card_versions": ["1.4", "1.5"].map { ["key": $0, "current": $0 == (config["card_version"] as? String ?? "1.4")] },
            "alert_types": (types.json["types"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }.map {
                ["key": $0, "label": labels[$0] ?? $0, "checked": chosen.contains($0)]
            },
            "action": channelID.map { "/notifications/\($0)" } ?? "/notifications",
            "has_sites": !sites.isEmpty,
            "sites": sites.map {
                ["id": $0["id"] as? String ?? "", "name": $0["name"] as? String ?? "", "current": ($0["id"] as? String) == site] as [String: Any]
            },
        ]
        if let refusal { values.merge(FieldErrors.values(refusal, fields: Self.fields, language: call.language, renderer: renderer)) { $1 } }
        return call.page("channel-form", title: title, values, status: refusal == nil ? .ok : .badRequest)
    }

    private func save(_ call: inout PageCall, channelID: String?) async throws -> Response {
        let form = try await call.form()
        let type = form["type"] ?? ""
        var config: [String: Any] = [:]
        if type == "email" {
            config["emails"] = (form["emails"] ?? "").split(whereSeparator: { ",; \n\r\t".contains($0) }).map(String.init)
        } else {
            // Empty on an edit: the api keeps the stored URL, which it never shows in full.
            if let url = form["webhook_url"], !url.isEmpty { config["webhook_url"] = url }
            if type == "webhook_teams" { config["card_version"] = form["card_version"] ?? "1.4" }
        }
        var body: [String: Any] = ["name": form["name"] ?? "", "enabled": form["enabled"] == "on", "config": config, "alert_types": form.all("alert_types")]
        if channelID == nil { body["type"] = type }
        // The field exists only for clients with sites; empty means every site (null lifts a limit).
        if form["site_field"] != nil { body["site_id"] = form.optional("site_id") }
        let reply = try await call.call(
            channelID == nil ? .post : .put, channelID.map { "/api/notifications/channels/\($0)" } ?? "/api/notifications/channels", json: body)
        if reply.ok || reply.status == 403 || reply.status == 404 { return call.after(reply, to: "/notifications") }
        var posted = body
        posted["type"] = type
        posted["config"] = ["emails": form["emails"] ?? "", "card_version": form["card_version"] ?? "1.4"]
        posted["typed_url"] = form["webhook_url"] ?? ""
        return try await self.form(&call, channelID: channelID, channel: posted, refusal: reply)
    }
}
