import Foundation
import Hummingbird
import OptralisCore

/// `/admin`: the platform's figures (`GET /api/admin/dashboard`) and the clients and machines
/// over time (`GET /api/admin/stats/timeline`) as charts, for the super_admin; and acting as a
/// client: `POST /admin/clients/{id}/impersonate` keeps the api's acting token in the session
/// (every client page then acts as an admin of that client, under a banner), and
/// `POST /admin/leave` drops it.
struct AdminDashboardController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let ranges = [30, 90, 365]

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/admin") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let days = request.uri.queryParameters["days"].flatMap { Int($0) }.flatMap { Self.ranges.contains($0) ? $0 : nil } ?? 30
            let replies = try await call.get(["/api/admin/dashboard", "/api/admin/stats/timeline?days=\(days)"])
            guard replies[0].ok else { return call.failure(replies[0]) }
            var values = figures(replies[0].json)
            values["ranges"] = Self.ranges.map { ["days": $0, "current": $0 == days, "label": call.text("range_\($0)d")] }
            values.merge(charts(replies[1].ok ? replies[1].json : [:], days: days, call: call)) { $1 }
            values.merge(call.notices()) { $1 }
            return call.page("platform", title: call.text("platform_title"), values)
        }
        router.post("/admin/clients/:id/impersonate") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let client = try call.id()
            _ = try await call.form()
            call.session.acting = nil
            let reply = try await call.call(.post, "/api/admin/impersonate/\(client)")
            guard reply.ok, let token = reply.json["access_token"] as? String else { return call.after(reply, to: "/admin/clients") }
            call.session.acting = .init(clientID: client, clientName: reply.json["client_name"] as? String ?? "", accessToken: token)
            try await api.sessions.save(call.session, id: call.sessionID)
            return .redirect(to: "/", type: .normal)
        }
        router.post("/admin/leave") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            _ = try await call.form()
            let client = call.session.acting?.clientID
            call.session.acting = nil
            try await api.sessions.save(call.session, id: call.sessionID)
            return .redirect(to: client.map { "/admin/clients#client-\($0)" } ?? "/admin", type: .normal)
        }
    }

    private func figures(_ totals: [String: Any]) -> [String: Any] {
        func count(_ key: String) -> Int { totals[key] as? Int ?? 0 }
        let versions = (totals["agent_versions"] as? [String: Int] ?? [:]).sorted { $0.value > $1.value }.map {
            ["version": $0.key, "count": $0.value] as [String: Any]
        }
        let licences = (totals["machines_by_license"] as? [String: Int] ?? [:]).sorted { $0.key < $1.key }.map {
            ["licence": $0.key, "count": $0.value] as [String: Any]
        }
        return [
            "clients": count("total_clients"), "active_clients": count("active_clients"), "expiring_licences": count("expiring_licenses"),
            "users": count("total_users"), "machines": count("total_machines"), "online": count("online_machines"),
            "offline": count("offline_machines"), "maintenance": count("machines_in_maintenance"),
            "certificates_expiring": count("certificates_expiring_soon"),
            "health": (totals["average_health_score"] as? Double).map { String(Int($0.rounded())) } ?? "—",
            "versions": versions, "has_versions": !versions.isEmpty, "licences": licences, "has_licences": !licences.isEmpty,
            "nav_admin": true, "admin_dashboard": true,
        ]
    }

    /// Totals and new arrivals per UTC day: two charts of two lines each.
    private func charts(_ timeline: [String: Any], days: Int, call: PageCall) -> [String: Any] {
        let entries = (timeline["timeline"] as? [[String: Any]] ?? []).compactMap { entry -> (Date, [String: Any])? in
            guard let day = entry["date"] as? String, let date = UTCTimestamp.parse(day + "T00:00:00Z") else { return nil }
            return (date, entry)
        }
        let end = entries.last?.0 ?? Date(), start = entries.first?.0 ?? end.addingTimeInterval(-Double(days) * 86400)
        func series(_ key: String, _ name: String) -> LineChart.Series {
            LineChart.Series(name: call.text(name), points: entries.map { LineChart.Point(time: $0.0, value: ($0.1[key] as? Int).map(Double.init)) })
        }
        func chart(_ title: String, _ first: LineChart.Series, _ second: LineChart.Series) -> String {
            LineChart(
                title: call.text(title), unit: "", start: start, end: max(end, start.addingTimeInterval(86400)), maximum: nil, gap: 2 * 86400,
                series: [first, second], empty: call.text("no_data")
            ).svg
        }
        return [
            "totals_chart": chart("timeline_totals", series("total_clients", "clients_total"), series("total_machines", "machines_total")),
            "new_chart": chart("timeline_new", series("new_clients", "timeline_new_clients"), series("new_machines", "timeline_new_machines")),
        ]
    }
}

/// The admin panel is the super_admin's: others get a 403 page (the api refuses them anyway).
struct RequirePlatformRole: RouterMiddleware {
    typealias Context = WebRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.session?.user.role == "super_admin" else { throw HTTPError(.forbidden) }
        return try await next(request, context)
    }
}
