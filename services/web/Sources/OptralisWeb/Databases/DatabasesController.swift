import Foundation
import Hummingbird

/// `/databases` (Pro+): the monitored databases with their latest figures, a database's figures
/// over 24 hours and its slowest statements, and the add and edit forms (admins). Below Pro the
/// page says which licence brings it (the api's 403 `PREMIUM_REQUIRED`). The password field is
/// never filled: left empty on edit, the stored password stays.
struct DatabasesController: Sendable {
    let api: APIClient
    let renderer: PageRenderer

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/databases") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await list(&call)
        }
        router.get("/databases/new") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await form(&call, id: nil, database: ["engine": "postgresql", "port": 5432, "enabled": true])
        }
        router.get("/databases/:id") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await detail(&call, id: try call.id())
        }
        router.get("/databases/:id/edit") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            let reply = try await call.get(["/api/databases/\(id)"])[0]
            guard reply.ok else { return call.failure(reply) }
            return try await form(&call, id: id, database: reply.json)
        }
        router.post("/databases") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await save(&call, id: nil)
        }
        router.post("/databases/:id") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await save(&call, id: try call.id())
        }
        DeleteRoutes(api: api, renderer: renderer).add(to: router, page: "/databases", apiPath: "/api/databases", texts: "database", nav: "nav_databases")
    }

    private func list(_ call: inout PageCall) async throws -> Response {
        let reply = try await call.get(["/api/databases"])[0]
        var values: [String: Any] = ["nav_databases": true]
        if let premium = call.premium(reply) {
            values["premium"] = premium
            return call.page("databases", title: call.text("nav_databases"), values)
        }
        guard reply.ok else { return call.failure(reply) }
        let databases = (reply.json["databases"] as? [[String: Any]] ?? []).map { row(call, $0) }
        let limit = reply.json["limit"] as? Int
        values.merge([
            "databases": databases, "has_databases": !databases.isEmpty, "total": databases.count,
            "limit": limit.map(String.init) ?? call.text("database_unlimited"),
            "full": limit.map { databases.count >= $0 } ?? false,
        ]) { $1 }
        if call.isAdmin { values["admin"] = ["csrf": call.session.csrfToken] }
        values.merge(call.notices(["deleted": "database_deleted", "saved": "database_saved"])) { $1 }
        return call.page("databases", title: call.text("nav_databases"), values)
    }

    /// A database as the list and the detail show it.
    private func row(_ call: PageCall, _ json: [String: Any]) -> [String: Any] {
        let latest = json["latest"] as? [String: Any]
        let host = "\(json["host"] as? String ?? ""):\(json["port"] as? Int ?? 0)"
        var values: [String: Any] = [
            "id": json["id"] as? String ?? "", "name": (json["name"] as? String) ?? (json["database_name"] as? String ?? ""),
            "database_name": json["database_name"] as? String ?? "", "engine": Self.engine(json["engine"] as? String),
            "address": host, "machine": json["machine_hostname"] as? String ?? "", "machine_id": json["machine_id"] as? String ?? "",
            "username": json["username"] as? String ?? "", "enabled": json["enabled"] as? Bool ?? true,
            "error": json["last_error"] as? String ?? "", "missing": json["missing"] as? [String] ?? [],
            "collected": (json["last_collected_at"] as? String).map { Display.dateTime($0, language: call.language) } ?? call.text("database_never"),
        ]
        values.merge(Self.figures(latest)) { $1 }
        return values
    }

    /// The figures of a sample, "—" for a missing one.
    static func figures(_ json: [String: Any]?) -> [String: Any] {
        func text(_ key: String, suffix: String = "") -> String {
            guard let json, let value = json[key], !(value is NSNull) else { return "—" }
            if let integer = value as? Int { return "\(integer)\(suffix)" }
            if let number = value as? Double { return (number == number.rounded() ? String(Int(number)) : String(format: "%.2f", number)) + suffix }
            return "—"
        }
        return [
            "active": text("connections_active"), "idle": text("connections_idle"), "avg": text("query_time_avg_ms", suffix: " ms"),
            "slow": text("slow_queries_count"), "deadlocks": text("deadlocks_count"), "cache": text("cache_hit_ratio", suffix: " %"),
            "lag": text("replication_lag_ms", suffix: " ms"), "at": json?["recorded_at"] as? String ?? "",
        ]
    }

    static func engine(_ raw: String?) -> String { raw == "mysql" ? "MySQL / MariaDB" : "PostgreSQL" }

    private func detail(_ call: inout PageCall, id: String) async throws -> Response {
        let replies = try await call.get(["/api/databases/\(id)", "/api/databases/\(id)/metrics?period=24h", "/api/databases/\(id)/slow-queries"])
        var values: [String: Any] = ["nav_databases": true]
        if let premium = call.premium(replies[0]) {
            values["premium"] = premium
            return call.page("database", title: call.text("nav_databases"), values)
        }
        guard replies[0].ok else { return call.failure(replies[0]) }
        let database = row(call, replies[0].json)
        let points = (replies[1].json["points"] as? [[String: Any]] ?? []).suffix(48).reversed().map { point -> [String: Any] in
            var figures = Self.figures(point)
            figures["at"] = Display.dateTime(point["recorded_at"] as? String ?? "", language: call.language)
            return figures
        }
        let queries = (replies[2].json["queries"] as? [[String: Any]] ?? []).map { query -> [String: Any] in
            [
                "query": query["query"] as? String ?? "", "calls": query["calls"] as? Int ?? 0,
                "mean": String(format: "%.1f ms", (query["mean_ms"] as? Double) ?? Double(query["mean_ms"] as? Int ?? 0)),
            ]
        }
        values.merge([
            "database": database, "points": Array(points), "has_points": !points.isEmpty, "queries": queries, "has_queries": !queries.isEmpty,
        ]) { $1 }
        if call.isAdmin { values["admin"] = true }
        return call.page("database", title: database["name"] as? String ?? call.text("nav_databases"), values)
    }

    private func form(_ call: inout PageCall, id: String?, database: [String: Any], refusal: APIClient.Reply? = nil) async throws -> Response {
        let title = call.text(id == nil ? "database_new" : "database_edit")
        let machinesReply = try await call.get(["/api/machines?limit=500"])[0]
        let chosen = database["machine_id"] as? String ?? ""
        let machines = (machinesReply.json["machines"] as? [[String: Any]] ?? []).map { machine -> [String: Any] in
            let machineID = machine["id"] as? String ?? ""
            return ["id": machineID, "hostname": machine["hostname"] as? String ?? "", "selected": machineID.lowercased() == chosen.lowercased()]
        }
        let engine = database["engine"] as? String ?? "postgresql"
        var values: [String: Any] = [
            "title": title, "csrf": call.session.csrfToken, "nav_databases": true, "action": id.map { "/databases/\($0)" } ?? "/databases",
            "machines": machines, "name": database["name"] as? String ?? "", "host": database["host"] as? String ?? "",
            "port": database["port"].map { "\($0)" } ?? "", "database_name": database["database_name"] as? String ?? "",
            "username": database["username"] as? String ?? "", "is_postgresql": engine == "postgresql", "is_mysql": engine == "mysql",
            "enabled": database["enabled"] as? Bool ?? true, "editing": id != nil, "has_password": database["has_password"] as? Bool ?? false,
        ]
        if let refusal {
            if let premium = call.premium(refusal) { values["premium"] = premium }
            values.merge(
                FieldErrors.values(
                    refusal, fields: ["machine_id", "name", "engine", "host", "port", "database_name", "username", "password"],
                    codes: ["DATABASE_LIMIT_REACHED": "name"], language: call.language, renderer: renderer)
            ) { $1 }
        }
        return call.page("database-form", title: title, values, status: refusal == nil ? .ok : .badRequest)
    }

    private func save(_ call: inout PageCall, id: String?) async throws -> Response {
        let form = try await call.form()
        var body: [String: Any] = [
            "machine_id": form["machine_id"] ?? "", "name": form["name"] ?? "", "engine": form["engine"] ?? "", "host": form["host"] ?? "",
            "port": form.integer("port"), "database_name": form["database_name"] ?? "", "username": form["username"] ?? "",
            "enabled": form["enabled"] == "on",
        ]
        // Not trimmed: a password's spaces are its own. Empty on edit: the stored one stays.
        let password = form.pairs.last { $0.name == "password" }?.value ?? ""
        if !password.isEmpty { body["password"] = password }
        if id != nil, form["clear_password"] == "on" { body["password"] = "" }
        let reply = try await call.call(id == nil ? .post : .put, id.map { "/api/databases/\($0)" } ?? "/api/databases", json: body)
        if reply.ok || reply.status == 404 { return call.after(reply, to: "/databases", done: "saved") }
        var shown = body
        shown["password"] = nil
        shown["has_password"] = false
        return try await self.form(&call, id: id, database: shown, refusal: reply)
    }
}
