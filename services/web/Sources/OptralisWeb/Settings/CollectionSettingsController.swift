import Foundation
import Hummingbird

/// `/collection-settings`: how often each collector runs, as settings scoped to the whole client,
/// a group, a label or a machine (`/api/collection-settings`); with `?machine_id=`, the intervals
/// that machine's agent receives and the setting they come from
/// (`GET /api/machines/{id}/effective-intervals`). Admins create, edit and delete settings
/// through forms posting here; observers read, and the api refuses their posts.
struct CollectionSettingsController: Sendable {
    let api: APIClient
    let renderer: PageRenderer

    /// Each collector's bounds in seconds, as the api checks them (its `CollectionIntervals`,
    /// listed in docs/openapi.yaml): shown beside the fields and set as their min and max. The
    /// api stays the judge; a bound changed there shows up as its refusal next to the field.
    static let bounds: [(collector: String, minimum: Int, maximum: Int)] = [
        ("metrics", 5, 300), ("storage", 60, 3_600), ("storage_health", 1_800, 86_400), ("network", 10, 600),
        ("services", 30, 1_800), ("security", 300, 86_400), ("software", 3_600, 86_400), ("patches", 3_600, 86_400),
    ]
    static let scopes = ["global", "group", "machine"]
    static let fields = Set(["name", "priority", "group_id", "machine_id"] + bounds.map { $0.collector })

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/collection-settings") { request, context -> Response in
            try await list(request, context)
        }
        router.get("/collection-settings/new") { request, context -> Response in
            try await form(request, context, settingID: nil)
        }
        router.get("/collection-settings/:id/edit") { request, context -> Response in
            try await form(request, context, settingID: try PageCall(request, context, api: api, renderer: renderer).id())
        }
        router.post("/collection-settings") { request, context -> Response in
            try await save(request, context, settingID: nil)
        }
        router.post("/collection-settings/:id") { request, context -> Response in
            try await save(request, context, settingID: try PageCall(request, context, api: api, renderer: renderer).id())
        }
        DeleteRoutes(api: api, renderer: renderer).add(
            to: router, page: "/collection-settings", apiPath: "/api/collection-settings", texts: "collection_setting", nav: "nav_settings",
            backLabel: "nav_collection_settings")
    }

    private func list(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var call = try PageCall(request, context, api: api, renderer: renderer)
        let language = call.language
        let machine = request.uri.queryParameters["machine_id"].flatMap { UUID(uuidString: String($0)) }?.uuidString.lowercased()
        var paths = ["/api/collection-settings", "/api/groups", "/api/machines?limit=500&sort=hostname", "/api/labels"]
        if let machine { paths += ["/api/machines/\(machine)/effective-intervals", "/api/machines/\(machine)?collectors=false"] }
        let replies = try await call.get(paths)
        guard replies[0].ok else { return call.failure(replies[0]) }
        let names = Targets(groups: replies[1].list, machines: replies[2].json["machines"] as? [[String: Any]] ?? [], labels: Self.labels(replies[3]))
        let settings = (replies[0].json["settings"] as? [[String: Any]] ?? []).map { setting -> [String: Any] in
            let intervals = setting["intervals"] as? [String: Int] ?? [:]
            let enabled = setting["collectors_enabled"] as? [String: Bool] ?? [:]
            return [
                "id": setting["id"] as? String ?? "", "name": setting["name"] as? String ?? "", "priority": setting["priority"] as? Int ?? 0,
                "scope": names.scope(setting, language: language, renderer: renderer),
                "intervals": Self.bounds.compactMap { bound in intervals[bound.collector].map { "\(call.text("collector_\(bound.collector)")) \($0) s" } }
                    .joined(separator: ", "),
                "off": Self.bounds.filter { enabled[$0.collector] == false }.map { call.text("collector_\($0.collector)") }.joined(separator: ", "),
            ]
        }
        var values: [String: Any] = ["settings": settings, "has_settings": !settings.isEmpty, "nav_settings": true]
        values["bounds"] = Self.bounds.map { bound -> [String: Any] in
            ["collector": call.text("collector_\(bound.collector)"), "minimum": bound.minimum, "maximum": bound.maximum]
        }
        if let machine {
            let effective = replies[4]
            guard effective.ok else { return call.failure(effective) }
            let intervals = effective.json["intervals"] as? [String: Int] ?? [:]
            let enabled = effective.json["enabled"] as? [String: Bool] ?? [:]
            let source = effective.json["source"] as? String ?? "default"
            values["effective"] =
                [
                    "machine_id": machine, "hostname": (replies[5].json["machine"] as? [String: Any])?["hostname"] as? String ?? machine,
                    "source": call.text("source_\(source)"), "setting_name": effective.json["setting_name"] as? String ?? "",
                    "rows": Self.bounds.map { bound -> [String: Any] in
                        [
                            "collector": call.text("collector_\(bound.collector)"), "interval": intervals[bound.collector].map(String.init) ?? "—",
                            "enabled": call.text(enabled[bound.collector] == false ? "no" : "yes"),
                        ]
                    },
                ] as [String: Any]
        }
        if call.isAdmin { values["admin"] = ["machine_id": machine ?? ""] }
        values.merge(call.notices(["deleted": "collection_setting_deleted"])) { $1 }
        return call.page("collection-settings", title: call.text("nav_collection_settings"), values)
    }

    /// The create or edit form, filled from the setting (edit), or from what was posted when the
    /// api refused it, with its reason next to the field. A setting's scope is chosen at creation
    /// only: the api's `PUT` keeps the target when none is given, so it cannot go back to the
    /// whole client.
    private func form(
        _ request: Request, _ context: WebRequestContext, settingID: String?, posted: [String: Any]? = nil, refusal: APIClient.Reply? = nil
    ) async throws -> Response {
        var call = try PageCall(request, context, api: api, renderer: renderer)
        var paths = ["/api/groups", "/api/machines?limit=500&sort=hostname", "/api/labels"]
        if let settingID, posted == nil { paths.append("/api/collection-settings/\(settingID)") }
        let replies = try await call.get(paths)
        if paths.count == 4, !replies[3].ok { return call.failure(replies[3]) }
        let query = request.uri.queryParameters
        // A new setting may come from a machine's or a group's page, its target chosen.
        var blank: [String: Any] = ["scope": "global", "priority": 0]
        for key in ["group_id", "machine_id"] {
            if let id = query[Substring(key)].flatMap({ UUID(uuidString: String($0)) })?.uuidString.lowercased() {
                blank[key] = id
                blank["scope"] = String(key.dropLast(3))
            }
        }
        let setting = posted ?? (paths.count == 4 ? replies[3].json : blank)
        let machines = replies[1].json["machines"] as? [[String: Any]] ?? []
        let scope = setting["scope"] as? String ?? "global"
        let intervals = setting["intervals"] as? [String: Any] ?? [:]
        let enabled = setting["collectors_enabled"] as? [String: Bool] ?? [:]
        var values: [String: Any] = [
            "csrf": call.session.csrfToken, "nav_settings": true, "name": setting["name"] as? String ?? "",
            "priority": "\(setting["priority"] ?? 0)", "creating": settingID == nil,
            "target": Targets(groups: replies[0].list, machines: machines, labels: Self.labels(replies[2]))
                .scope(setting, language: call.language, renderer: renderer),
            "scopes": Self.scopes.map { key -> [String: Any] in ["key": key, "label": call.text("scope_\(key)"), "current": key == scope] },
            "groups": replies[0].list.map { group -> [String: Any] in
                [
                    "id": group["id"] as? String ?? "", "name": group["name"] as? String ?? "",
                    "current": (group["id"] as? String) == (setting["group_id"] as? String),
                ]
            },
            "machines": machines.map { machine -> [String: Any] in
                [
                    "id": machine["id"] as? String ?? "", "name": machine["hostname"] as? String ?? "",
                    "current": (machine["id"] as? String) == (setting["machine_id"] as? String),
                ]
            },
            "collectors": Self.bounds.map { bound -> [String: Any] in
                let state = enabled[bound.collector].map { $0 ? "on" : "off" } ?? ""
                return [
                    "key": bound.collector, "label": call.text("collector_\(bound.collector)"), "minimum": bound.minimum, "maximum": bound.maximum,
                    "interval": intervals[bound.collector].map { "\($0)" } ?? "",
                    "states": ["", "on", "off"].map { key -> [String: Any] in
                        ["key": key, "label": call.text("collector_state_\(key.isEmpty ? "inherit" : key)"), "current": key == state]
                    },
                ]
            },
            "return_machine_id": posted?["return_machine_id"] as? String ?? (settingID == nil ? blank["machine_id"] as? String ?? "" : ""),
            "action": settingID.map { "/collection-settings/\($0)" } ?? "/collection-settings",
            "title": call.text(settingID == nil ? "collection_setting_new" : "collection_setting_edit"),
        ]
        if let refusal {
            let refused = FieldErrors.values(refusal, fields: Self.fields, language: call.language, renderer: renderer)
            values.merge(refused) { $1 }
            // The collectors' rows are a loop: each takes its own message.
            let errors = refused["errors"] as? [String: String] ?? [:]
            values["collectors"] = (values["collectors"] as? [[String: Any]] ?? []).map { row in
                var row = row
                if let error = errors[row["key"] as? String ?? ""] { row["interval_error"] = error }
                return row
            }
        }
        return call.page("collection-setting-form", title: values["title"] as? String ?? "", values, status: refusal == nil ? .ok : .badRequest)
    }

    private func save(_ request: Request, _ context: WebRequestContext, settingID: String?) async throws -> Response {
        var call = try PageCall(request, context, api: api, renderer: renderer)
        let form = try await call.form()
        var intervals: [String: Any] = [:], typed: [String: String] = [:], enabled: [String: Bool] = [:]
        for bound in Self.bounds {
            if let value = form["interval_\(bound.collector)"], !value.isEmpty {
                intervals[bound.collector] = form.integer("interval_\(bound.collector)")
                typed[bound.collector] = value
            }
            if let state = form["enabled_\(bound.collector)"], state == "on" || state == "off" { enabled[bound.collector] = state == "on" }
        }
        var body: [String: Any] = ["name": form["name"] ?? "", "intervals": intervals, "collectors_enabled": enabled]
        if form["priority"]?.isEmpty == false { body["priority"] = form.integer("priority") }
        let scope = form["scope"] ?? "global"
        if settingID == nil, scope == "group" || scope == "machine" {
            body["\(scope)_id"] = form["\(scope)_id"] ?? ""
        }
        let reply = try await call.call(
            settingID == nil ? .post : .put, settingID.map { "/api/collection-settings/\($0)" } ?? "/api/collection-settings", json: body)
        if reply.ok || reply.status == 403 {
            let machine = form["return_machine_id"].flatMap(UUID.init(uuidString:))?.uuidString.lowercased()
            return call.after(reply, to: "/collection-settings" + (machine.map { "?machine_id=\($0)" } ?? ""))
        }
        var posted = body
        posted["intervals"] = typed
        posted["priority"] = form["priority"] ?? ""
        posted["scope"] = settingID == nil ? scope : nil
        posted["return_machine_id"] = form["return_machine_id"] ?? ""
        // An edit shows its scope, which the form does not post.
        if let settingID, let current = try? await call.call(.get, "/api/collection-settings/\(settingID)"), current.ok {
            let setting = current.json
            for key in ["scope", "group_id", "machine_id", "label_id", "label_value"] { posted[key] = setting[key] }
        }
        return try await self.form(request, context, settingID: settingID, posted: posted, refusal: reply)
    }

    /// `GET /api/labels` as id → key.
    static func labels(_ reply: APIClient.Reply) -> [String: String] {
        Dictionary(
            reply.list.compactMap { label in (label["id"] as? String).map { ($0, label["key"] as? String ?? "") } }, uniquingKeysWith: { first, _ in first })
    }

    /// The names of the groups, machines and labels a setting may target.
    struct Targets {
        let groups: [String: String]
        let machines: [String: String]
        let labels: [String: String]

        init(groups: [[String: Any]], machines: [[String: Any]], labels: [String: String]) {
            func names(_ list: [[String: Any]], _ key: String) -> [String: String] {
                Dictionary(
                    list.compactMap { item in (item["id"] as? String).map { ($0, item[key] as? String ?? "") } }, uniquingKeysWith: { first, _ in first })
            }
            self.groups = names(groups, "name")
            self.machines = names(machines, "hostname")
            self.labels = labels
        }

        /// "Whole client", "Group Databases", "Machine db-02", "Label env=prod".
        func scope(_ setting: [String: Any], language: String, renderer: PageRenderer) -> String {
            let id = { (key: String) in setting[key] as? String ?? "" }
            switch setting["scope"] as? String ?? "global" {
            case "group": return renderer.text("group", language) + " " + (groups[id("group_id")] ?? "?")
            case "machine": return renderer.text("machine", language) + " " + (machines[id("machine_id")] ?? id("machine_id"))
            case "label":
                let value = (setting["label_value"] as? String).map { "=" + $0 } ?? ""
                return renderer.text("scope_label", language) + " " + (labels[id("label_id")] ?? "?") + value
            default: return renderer.text("scope_global", language)
            }
        }
    }
}
