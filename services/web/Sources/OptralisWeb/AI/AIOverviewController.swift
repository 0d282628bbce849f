import Foundation
import Hummingbird

/// `/ai`: the fleet's health scores (each machine's `health_score`, lowest first, linking to its
/// page), the month's AI quota, the form that runs an analysis on a machine, and the analyses
/// run so far; `/ai/analyses/{id}`: one analysis's result. Observers get the form too: the api
/// lets them run analyses, which change nothing but the quota.
struct AIOverviewController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let fields: Set<String> = ["machine_id", "kind", "issue", "period_days", "language"]

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/ai") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await overview(&call)
        }
        router.post("/ai/analyses") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let form = try await call.form()
            guard let kind = AIAnalysisKind.named(form["kind"]) else {
                return try await overview(&call, posted: form, outcome: ["errors": ["kind": call.text("err_required")]], status: .badRequest)
            }
            var body: [String: Any] = ["machine_id": form["machine_id"] ?? "", "language": call.language]
            if kind.key == "trends", let days = form["period_days"].flatMap(Int.init) { body["period_days"] = days }
            if kind.key == "scripts", let issue = form["issue"], !issue.isEmpty { body["issue"] = issue }
            let reply = try await call.call(.post, "/api/ai/\(kind.path)", json: body)
            if reply.ok, let id = (reply.json["id"] as? String).flatMap(UUID.init(uuidString:)) {
                return .redirect(to: "/ai/analyses/\(id.uuidString.lowercased())", type: .normal)
            }
            let status: HTTPResponse.Status = reply.status == 304 ? .ok : (400..<500).contains(reply.status) ? .init(code: reply.status) : .badGateway
            return try await overview(&call, posted: form, outcome: refusal(reply, call: call), status: status)
        }
        router.get("/ai/analyses/:id") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let reply = try await call.call(.get, "/api/ai/analyses/\(try call.id())")
            guard reply.ok else { return call.failure(reply) }
            let values = AnalysisView.values(reply, call: call)
            return call.page("ai-analysis", title: values["title"] as? String ?? "", call.aiValues("overview", values))
        }
    }

    /// The page, with what was posted and why it was refused when a run did not happen.
    private func overview(_ call: inout PageCall, posted: PostedForm? = nil, outcome: [String: Any] = [:], status: HTTPResponse.Status = .ok) async throws
        -> Response
    {
        let language = call.language
        let filter = call.request.uri.queryParameters["machine_id"].flatMap { UUID(uuidString: String($0)) }?.uuidString.lowercased()
        let replies = try await call.get([
            "/api/machines?sort=health_score&order=asc&limit=500", "/api/ai/quota",
            "/api/ai/analyses?limit=30" + (filter.map { "&machine_id=\($0)" } ?? ""),
        ])
        guard replies[0].ok else { return call.failure(replies[0]) }
        let machines = replies[0].json["machines"] as? [[String: Any]] ?? []
        let chosenMachine = posted?["machine_id"] ?? filter
        let chosenKind = posted?["kind"] ?? "health_score"
        var values: [String: Any] = [
            "csrf": call.session.csrfToken, "filtered": filter != nil, "issue": posted?["issue"] ?? "",
            "scores": machines.map { machine -> [String: Any] in
                let score = machine["health_score"] as? Int
                return [
                    "id": machine["id"] as? String ?? "", "hostname": machine["hostname"] as? String ?? "", "score": score.map(String.init) ?? "—",
                    "has_score": score != nil, "value": score ?? 0,
                    "pill": Pill.make(machine["status"] as? String ?? "offline", language: language, renderer: renderer),
                ]
            },
            "machines": machines.map { machine -> [String: Any] in
                let id = machine["id"] as? String ?? ""
                return ["id": id, "hostname": machine["hostname"] as? String ?? "", "current": id == chosenMachine]
            },
            "kinds": AIAnalysisKind.all.map { kind -> [String: Any] in
                let every = kind.cooldownMinutes < 60 ? "\(kind.cooldownMinutes) min" : "\(kind.cooldownMinutes / 60) h"
                let terms = call.text("ai_kind_terms").replacingOccurrences(of: "{cost}", with: String(kind.cost)).replacingOccurrences(
                    of: "{every}", with: every)
                return [
                    "key": kind.key, "current": kind.key == chosenKind,
                    "label": call.text("ai_kind_\(kind.key)") + " — " + terms + (kind.advanced ? " · " + call.text("ai_from_pro") : ""),
                ]
            },
            "periods": [("", "ai_period_both"), ("7", "ai_period_7"), ("30", "ai_period_30")].map { key, label -> [String: Any] in
                ["key": key, "label": call.text(label), "current": key == (posted?["period_days"] ?? "")]
            },
        ]
        values["has_machines"] = !machines.isEmpty
        if replies[1].ok {
            let quota = replies[1].json
            values["quota"] = [
                "used": quota["used"] as? Int ?? 0, "limit": quota["monthly_limit"] as? Int ?? 0, "remaining": quota["remaining"] as? Int ?? 0,
                "count": quota["request_count"] as? Int ?? 0, "resets": Display.dateTime(quota["resets_at"] as? String, language: language),
            ]
        } else {
            values["quota_unavailable"] = call.aiRefusal(replies[1])
        }
        let history = replies[2].ok ? replies[2].json["analyses"] as? [[String: Any]] ?? [] : []
        values["history"] = history.map { entry -> [String: Any] in
            [
                "id": entry["id"] as? String ?? "", "machine_id": entry["machine_id"] as? String ?? "", "hostname": entry["machine_hostname"] as? String ?? "—",
                "kind": call.text("ai_kind_\(entry["analysis_type"] as? String ?? "")"), "source": call.text("ai_source_\(entry["source"] as? String ?? "")"),
                "score": (entry["overall_score"] as? Int).map(String.init) ?? "—", "summary": entry["summary"] as? String ?? "",
                "at": Display.dateTime(entry["created_at"] as? String, language: language), "cost": entry["quota_cost"] as? Int ?? 0,
            ]
        }
        values["has_history"] = !history.isEmpty
        values.merge(outcome) { $1 }
        return call.page("ai-overview", title: call.text("ai_title"), call.aiValues("overview", values), status: status)
    }

    /// Why a run did not happen, placed by the template: the licence it needs (`premium`), the
    /// field the api names (`errors`), or a sentence (`run_notice`).
    private func refusal(_ reply: APIClient.Reply, call: PageCall) -> [String: Any] {
        if let premium = call.premium(reply) { return ["premium": premium] }
        if reply.code == "VALIDATION_ERROR" {
            return FieldErrors.values(reply, fields: Self.fields, language: call.language, renderer: renderer)
        }
        return ["run_notice": call.aiRefusal(reply)]
    }
}
