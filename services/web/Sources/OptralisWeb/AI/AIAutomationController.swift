import Foundation
import Hummingbird

/// `/ai/automation`: the client's AI routines and triggers (Essentials or above; below, the
/// licence notice), their counts of the last 24 hours, and for admins the forms that create
/// them; `/ai/routines/{id}` and `/ai/triggers/{id}`: one's history and, for admins, its edit
/// form; turning on and off and deleting after a confirmation. Observers read; the api refuses
/// their posts.
struct AIAutomationController: Sendable {
    let api: APIClient
    let renderer: PageRenderer

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/ai/automation") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await overview(&call)
        }
        for kind in [AutomationKind.routine, .trigger] {
            router.post(RouterPath("/ai/\(kind.plural)")) { request, context -> Response in
                var call = try PageCall(request, context, api: api, renderer: renderer)
                let form = try await call.form()
                let reply = try await call.call(.post, "/api/ai/\(kind.plural)", json: kind.body(form, current: nil))
                if reply.ok || reply.status == 403 { return call.after(reply, to: "/ai/automation") }
                return try await overview(&call, refused: (kind, form, reply))
            }
            router.get(RouterPath("/ai/\(kind.plural)/:id")) { request, context -> Response in
                var call = try PageCall(request, context, api: api, renderer: renderer)
                return try await item(&call, kind)
            }
            router.post(RouterPath("/ai/\(kind.plural)/:id")) { request, context -> Response in
                var call = try PageCall(request, context, api: api, renderer: renderer)
                let (id, form) = (try call.id(), try await call.form())
                let current = try await call.call(.get, "/api/ai/\(kind.plural)/\(id)")
                guard current.ok else { return call.after(current, to: "/ai/\(kind.plural)/\(id)") }
                let reply = try await call.call(.put, "/api/ai/\(kind.plural)/\(id)", json: kind.body(form, current: current.json))
                if reply.ok || reply.status == 403 { return call.after(reply, to: "/ai/\(kind.plural)/\(id)") }
                return try await item(&call, kind, refused: (form, reply))
            }
            router.post(RouterPath("/ai/\(kind.plural)/:id/toggle")) { request, context -> Response in
                var call = try PageCall(request, context, api: api, renderer: renderer)
                let (id, form) = (try call.id(), try await call.form())
                return call.after(try await call.call(.put, "/api/ai/\(kind.plural)/\(id)", json: ["enabled": form["enabled"] == "true"]), to: "/ai/automation")
            }
            DeleteRoutes(api: api, renderer: renderer).add(
                to: router, page: "/ai/\(kind.plural)", apiPath: "/api/ai/\(kind.plural)", texts: "ai_\(kind.singular)", nav: "nav_ai", back: "/ai/automation")
        }
    }

    /// The page; `refused`: a create form the api refused, shown again with its reason.
    private func overview(_ call: inout PageCall, refused: (AutomationKind, PostedForm, APIClient.Reply)? = nil) async throws -> Response {
        let replies = try await call.get([
            "/api/ai/routines", "/api/ai/triggers", "/api/ai/routines/stats", "/api/ai/triggers/stats", "/api/notifications/channels",
            AutomationKind.machinesPath,
        ])
        var values: [String: Any] = [:]
        if let premium = call.premium(replies[0]) {
            values["premium"] = premium
        } else {
            guard replies[0].ok else { return call.failure(replies[0]) }
            let channels = replies[4].json["channels"] as? [[String: Any]] ?? []
            for (kind, reply) in [(AutomationKind.routine, replies[0]), (.trigger, replies[1])] {
                let rows = (reply.json[kind.plural] as? [[String: Any]] ?? []).map { kind.row($0, call: call) }
                values[kind.plural] = rows
                values["has_\(kind.plural)"] = !rows.isEmpty
                if call.isAdmin {
                    let mine = refused.flatMap { $0.0.plural == kind.plural ? $0 : nil }
                    values["\(kind.singular)_form"] = kind.form(
                        item: nil, posted: mine?.1, refusal: mine?.2, channels: channels, machines: replies[5].json["machines"] as? [[String: Any]] ?? [],
                        call: call)
                }
            }
            values["routine_stats"] = replies[2].json
            values["trigger_stats"] = replies[3].json
            values["stats"] = true
            if call.isAdmin { values["admin"] = ["csrf": call.session.csrfToken] }
        }
        values.merge(call.notices(["deleted": "ai_deleted"])) { $1 }
        return call.page(
            "ai-automation", title: call.text("ai_nav_automation"), call.aiValues("automation", values), status: refused == nil ? .ok : .badRequest)
    }

    /// One routine or trigger: its history, and its edit form for admins.
    private func item(_ call: inout PageCall, _ kind: AutomationKind, refused: (PostedForm, APIClient.Reply)? = nil) async throws -> Response {
        let id = try call.id()
        let replies = try await call.get([
            "/api/ai/\(kind.plural)/\(id)", "/api/ai/\(kind.plural)/\(id)/history?limit=50", "/api/notifications/channels", AutomationKind.machinesPath,
        ])
        if let premium = call.premium(replies[0]) {
            return call.page("ai-automation", title: call.text("ai_nav_automation"), call.aiValues("automation", ["premium": premium]))
        }
        guard replies[0].ok else { return call.failure(replies[0]) }
        let stored = replies[0].json
        let history = (replies[1].json["history"] as? [[String: Any]] ?? []).map { kind.historyRow($0, call: call) }
        var values: [String: Any] = [
            "item": kind.row(stored, call: call), kind.singular: true, "history": history, "has_history": !history.isEmpty,
        ]
        if call.isAdmin {
            values["\(kind.singular)_form"] = kind.form(
                item: stored, posted: refused?.0, refusal: refused?.1, channels: replies[2].json["channels"] as? [[String: Any]] ?? [],
                machines: replies[3].json["machines"] as? [[String: Any]] ?? [], call: call)
        }
        values.merge(call.notices()) { $1 }
        let title = (values["item"] as? [String: Any])?["type"] as? String ?? ""
        return call.page("ai-automation-item", title: title, call.aiValues("automation", values), status: refused == nil ? .ok : .badRequest)
    }
}
