import Foundation
import Hummingbird

/// `/admin/machines`: every client's machines (`GET /api/admin/machines/all`, by client then host
/// name, 100 a page, filtered by client and host name), each linking to its client; and the
/// update channel of many at once (`PUT /api/admin/machines/bulk-channel`): the rows ticked, or
/// every machine the filters match (read here, up to the api's 1000).
struct AdminMachinesController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let page = "/admin/machines"
    static let limit = 100
    /// The api's bound on one bulk change.
    static let maximumBulk = 1000

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get(RouterPath(Self.page)) { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let query = request.uri.queryParameters
            let client = AdminQuery.uuid(query["client_id"]), search = query["search"].map { String($0.prefix(100)) } ?? ""
            let page = query["page"].flatMap { Int($0) }.map { min(max($0, 1), 100_000) } ?? 1
            let filters: [(String, String?)] = [("client_id", client), ("search", search)]
            let replies = try await call.get([
                "/api/admin/machines/all" + AdminQuery.string(filters + [("page", String(page)), ("limit", String(Self.limit))]), "/api/admin/clients",
            ])
            guard replies[0].ok else { return call.failure(replies[0]) }
            let language = call.language
            let machines = (replies[0].json["machines"] as? [[String: Any]] ?? []).map { machine -> [String: Any] in
                [
                    "id": machine["id"] as? String ?? "", "hostname": machine["hostname"] as? String ?? "",
                    "client_id": machine["client_id"] as? String ?? "", "client": machine["client_name"] as? String ?? "",
                    "os": machine["os"] as? String ?? "—", "agent_version": machine["agent_version"] as? String ?? "—",
                    "channel": call.text("channel_\(machine["update_channel"] as? String ?? "stable")"),
                    "pill": Pill.make(machine["status"] as? String ?? "offline", language: language, renderer: renderer),
                    "last_seen": Display.dateTime(machine["last_seen"] as? String, language: language),
                    "health": (machine["health_score"] as? Int).map(String.init) ?? "—",
                ]
            }
            let total = replies[0].json["total"] as? Int ?? 0
            var values: [String: Any] = [
                "machines": machines, "has_machines": !machines.isEmpty, "total": total, "csrf": call.session.csrfToken,
                "clients": AdminQuery.clients(replies[1], selected: client), "client_id": client ?? "", "search": search,
                "pager": AdminQuery.pager(Self.page, filters: filters, page: page, limit: Self.limit, total: total),
                "nav_admin": true, "admin_machines": true,
            ]
            values.merge(call.notices(["bulk": "bulk_channel_done"])) { $1 }
            return call.page("admin-machines", title: call.text("admin_machines"), values)
        }
        router.post(RouterPath(Self.page + "/bulk-channel")) { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let form = try await call.form()
            let client = AdminQuery.uuid(form["client_id"].map { Substring($0) }), search = String((form["search"] ?? "").prefix(100))
            let back = Self.page + AdminQuery.string([("client_id", client), ("search", search)])
            func refused(_ code: String) -> Response { .redirect(to: back + MachineBatchController.separator(back) + "failed=\(code)", type: .normal) }
            var machines = form.all("machine_ids")
            if form["scope"] == "filter" {
                switch try await matching(&call, client: client, search: search) {
                case .success(let ids): machines = ids
                case .failure(let reply): return call.after(reply.reply, to: back)
                }
                if machines.count > Self.maximumBulk { return refused("TOO_MANY_MACHINES") }
            }
            guard !machines.isEmpty else { return refused("NO_SELECTION") }
            let reply = try await call.call(.put, "/api/admin/machines/bulk-channel", json: ["machine_ids": machines, "channel": form["channel"] ?? ""])
            return call.after(reply, to: back, done: "bulk")
        }
    }

    struct Refusal: Error { let reply: APIClient.Reply }

    /// The ids of every machine the filters match, read a page of 500 at a time; one past the
    /// api's bound is enough to refuse.
    private func matching(_ call: inout PageCall, client: String?, search: String) async throws -> Result<[String], Refusal> {
        var ids: [String] = []
        var page = 1
        while ids.count <= Self.maximumBulk {
            let reply = try await call.call(
                .get, "/api/admin/machines/all" + AdminQuery.string([("client_id", client), ("search", search), ("page", String(page)), ("limit", "500")]))
            guard reply.ok else { return .failure(Refusal(reply: reply)) }
            let found = (reply.json["machines"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            ids += found
            if found.count < 500 { break }
            page += 1
        }
        return .success(ids)
    }
}
