import Foundation
import Hummingbird

/// `/sites` (Business+): the consolidated health of the client's sites, each site's score, rank
/// and machines, and the sites themselves (admins create, edit and delete them). Machines move
/// to a site from the machine list's batch form; channels are limited to a site on their form.
/// Below Business the page says which licence brings it (the api's 403 `PREMIUM_REQUIRED`).
struct SitesController: Sendable {
    let api: APIClient
    let renderer: PageRenderer

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/sites") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await overview(&call)
        }
        router.get("/sites/new") { request, context -> Response in
            let call = try PageCall(request, context, api: api, renderer: renderer)
            return form(call, id: nil, site: ["timezone": "Europe/Paris"])
        }
        router.get("/sites/:id/edit") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            let reply = try await call.get(["/api/sites/\(id)"])[0]
            guard reply.ok else { return call.failure(reply) }
            return form(call, id: id, site: reply.json)
        }
        router.post("/sites") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await save(&call, id: nil)
        }
        router.post("/sites/:id") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await save(&call, id: try call.id())
        }
        DeleteRoutes(api: api, renderer: renderer).add(to: router, page: "/sites", apiPath: "/api/sites", texts: "site", nav: "nav_sites")
    }

    private func overview(_ call: inout PageCall) async throws -> Response {
        let reply = try await call.get(["/api/sites/overview"])[0]
        var values: [String: Any] = ["nav_sites": true]
        if let premium = call.premium(reply) {
            values["premium"] = premium
            return call.page("sites", title: call.text("nav_sites"), values)
        }
        guard reply.ok else { return call.failure(reply) }
        let json = reply.json
        let sites = (json["sites"] as? [[String: Any]] ?? []).map { site -> [String: Any] in
            let id = site["site_id"] as? String ?? ""
            let score = Self.number(site["health_score"])
            let difference = Self.number(site["difference_from_overall"])
            // The api counts a site with no scored machine as 100 (the spec's rule): shown as "—".
            let scored = site["scored_machines"] as? Int ?? 0
            return [
                "id": id, "name": site["name"] as? String ?? "", "location": site["location"] as? String ?? "",
                "timezone": site["timezone"] as? String ?? "", "rank": site["rank"] as? Int ?? 0,
                "score": scored > 0 ? Self.format(score) : "—", "has_score": scored > 0, "value": score, "scored": scored,
                "difference": scored > 0 ? (difference > 0 ? "+" : "") + Self.format(difference) : "—", "below": scored > 0 && difference < 0,
                "machines": site["machine_count"] as? Int ?? 0, "online": site["online"] as? Int ?? 0, "offline": site["offline"] as? Int ?? 0,
                "lowest": (site["lowest_score"] as? Int).map(String.init) ?? "—", "list": "/machines?site_id=\(id)",
            ]
        }
        let unassigned = json["unassigned"] as? [String: Any] ?? [:]
        let scored = sites.contains { $0["has_score"] as? Bool == true }
        values.merge([
            "score": scored ? Self.format(Self.number(json["health_score"])) : "—", "has_score": scored, "value": Self.number(json["health_score"]),
            "site_count": json["site_count"] as? Int ?? 0, "machine_count": json["machine_count"] as? Int ?? 0,
            "online": json["online"] as? Int ?? 0, "offline": json["offline"] as? Int ?? 0,
            "sites": sites, "has_sites": !sites.isEmpty,
            "unassigned": unassigned["machine_count"] as? Int ?? 0,
        ]) { $1 }
        if call.isAdmin { values["admin"] = ["csrf": call.session.csrfToken] }
        values.merge(call.notices(["deleted": "site_deleted", "saved": "site_saved"])) { $1 }
        return call.page("sites", title: call.text("nav_sites"), values)
    }

    private func form(_ call: PageCall, id: String?, site: [String: Any], refusal: APIClient.Reply? = nil) -> Response {
        let title = call.text(id == nil ? "site_new" : "site_edit")
        var values: [String: Any] = [
            "title": title, "csrf": call.session.csrfToken, "nav_sites": true,
            "name": site["name"] as? String ?? "", "location": site["location"] as? String ?? "",
            "timezone": site["timezone"] as? String ?? "Europe/Paris", "action": id.map { "/sites/\($0)" } ?? "/sites",
        ]
        if let refusal {
            if let premium = call.premium(refusal) { values["premium"] = premium }
            values.merge(
                FieldErrors.values(
                    refusal, fields: ["name", "location", "timezone"], codes: ["SITE_EXISTS": "name"], language: call.language, renderer: renderer)
            ) { $1 }
        }
        return call.page("site-form", title: title, values, status: refusal == nil ? .ok : .badRequest)
    }

    private func save(_ call: inout PageCall, id: String?) async throws -> Response {
        let form = try await call.form()
        let body: [String: Any] = ["name": form["name"] ?? "", "location": form["location"] ?? "", "timezone": form["timezone"] ?? ""]
        let reply = try await call.call(id == nil ? .post : .put, id.map { "/api/sites/\($0)" } ?? "/api/sites", json: body)
        if reply.ok || reply.status == 404 { return call.after(reply, to: "/sites", done: "saved") }
        return self.form(call, id: id, site: body, refusal: reply)
    }

    static func number(_ value: Any?) -> Double {
        (value as? Double) ?? (value as? Int).map(Double.init) ?? 0
    }

    /// A score with one decimal at most: 87.5, 100.
    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
