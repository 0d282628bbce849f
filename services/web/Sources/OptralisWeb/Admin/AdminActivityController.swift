import Foundation
import Hummingbird

/// `/admin/activity`: the platform's activity log (`GET /api/admin/activity`), 50 entries a
/// page, filtered by category, level, client, text and days (the form's dates become the api's
/// instants: from the first day's midnight to the last day's end, UTC), with its counts
/// (`GET /api/admin/activity/stats`). A filter the api refuses is said beside its field.
struct AdminActivityController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let categories = ["auth", "email", "alert", "system", "user", "machine", "certificate"]
    static let levels = ["info", "warn", "error"]
    static let limit = 50

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/admin/activity") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let query = request.uri.queryParameters
            func typed(_ name: String) -> String { String((query[Substring(name)] ?? "").prefix(200)) }
            let category = typed("category"), level = typed("level"), client = typed("client_id"), from = typed("from"), to = typed("to")
            let search = typed("search")
            let page = query["page"].flatMap { Int($0) }.map { min(max($0, 1), 100_000) } ?? 1
            // What the form holds, kept in the pages' links; the api reads the days as instants.
            let filters: [(String, String?)] = [
                ("category", category), ("level", level), ("client_id", client), ("search", search), ("from", from), ("to", to),
            ]
            let apiFilters: [(String, String?)] = [
                ("category", category), ("level", level), ("client_id", client), ("search", search),
                ("from", Self.instant(from, time: "T00:00:00Z")), ("to", Self.instant(to, time: "T23:59:59Z")),
                ("page", String(page)), ("limit", String(Self.limit)),
            ]
            let replies = try await call.get(["/api/admin/activity" + AdminQuery.string(apiFilters), "/api/admin/activity/stats", "/api/admin/clients"])
            if !replies[0].ok, replies[0].status != 400 { return call.failure(replies[0]) }
            let language = call.language
            let entries = (replies[0].ok ? replies[0].json["logs"] as? [[String: Any]] ?? [] : []).map { entry -> [String: Any] in
                let level = entry["level"] as? String ?? "info"
                let metadata = (entry["metadata"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " · ")
                return [
                    "at": Display.dateTime(entry["timestamp"] as? String, language: language),
                    "pill": Pill.make(["warn": "warning", "error": "critical"][level] ?? "info", language: language, renderer: renderer),
                    "level": call.text("activity_level_\(level)"), "category": call.text("activity_category_\(entry["category"] as? String ?? "")"),
                    "message": entry["message"] as? String ?? "", "details": metadata, "client": entry["client_name"] as? String ?? "",
                    "client_id": entry["client_id"] as? String ?? "", "ip": entry["ip_address"] as? String ?? "",
                ]
            }
            let stats = replies[1].json
            func counts(_ key: String, _ keys: [String], text: String, filter: String) -> [[String: Any]] {
                let found = stats[key] as? [String: Int] ?? [:]
                return keys.map {
                    ["label": call.text("\(text)_\($0)"), "count": found[$0] ?? 0, "href": "/admin/activity" + AdminQuery.string([(filter, $0)])]
                }
            }
            var values: [String: Any] = [
                "entries": entries, "has_entries": !entries.isEmpty, "matching": replies[0].json["total"] as? Int ?? 0,
                "total": stats["total"] as? Int ?? 0, "last_24h": stats["last_24h"] as? Int ?? 0,
                "by_level": counts("by_level", Self.levels, text: "activity_level", filter: "level"),
                "by_category": counts("by_category", Self.categories, text: "activity_category", filter: "category"),
                "per_day": (stats["per_day"] as? [[String: Any]] ?? []).map {
                    ["date": $0["date"] as? String ?? "", "count": $0["count"] as? Int ?? 0] as [String: Any]
                },
                "categories": Self.categories.map { ["key": $0, "label": call.text("activity_category_\($0)"), "current": $0 == category] as [String: Any] },
                "levels": Self.levels.map { ["key": $0, "label": call.text("activity_level_\($0)"), "current": $0 == level] as [String: Any] },
                "clients": AdminQuery.clients(replies[2], selected: client), "search": search, "from": from, "to": to,
                "pager": AdminQuery.pager("/admin/activity", filters: filters, page: page, limit: Self.limit, total: replies[0].json["total"] as? Int ?? 0),
                "nav_admin": true, "admin_activity": true,
            ]
            if !replies[0].ok {
                values.merge(
                    FieldErrors.values(
                        replies[0], fields: ["category", "level", "client_id", "search", "from", "to"], language: language, renderer: renderer)
                ) { $1 }
            }
            return call.page("admin-activity", title: call.text("admin_activity"), values, status: replies[0].ok ? .ok : .badRequest)
        }
    }

    /// A day of the form (`2026-12-06`) as an ISO 8601 instant; anything else as typed, for the
    /// api to refuse beside the field.
    static func instant(_ day: String, time: String) -> String {
        day.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) != nil ? day + time : day
    }
}
