import Foundation
import Hummingbird

/// `/ai/reports`: the stored AI reports (Essentials or above; below, the list is the licence
/// notice) and, for admins, the form that generates one (any licence, 2 quota units); one
/// report's figures; its HTML file, streamed back from the api as the api sent it (type and
/// `Content-Disposition`), so the browser downloads it under the api's file name.
struct AIReportsController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let fields: Set<String> = ["report_type", "format", "language", "machine_id", "email_to"]

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/ai/reports") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await list(&call)
        }
        router.post("/ai/reports") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let form = try await call.form()
            var body: [String: Any] = [
                "report_type": form["report_type"] ?? "", "format": form["format"] ?? "", "language": form["language"] ?? call.language,
                "email_to": (form["email_to"] ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init),
            ]
            if let machine = form["machine_id"], !machine.isEmpty { body["machine_id"] = machine }
            let reply = try await call.call(.post, "/api/ai/reports/generate", json: body)
            if reply.ok || reply.status == 403 { return call.after(reply, to: "/ai/reports", done: "generated") }
            let outcome: [String: Any] =
                reply.code == "VALIDATION_ERROR"
                ? FieldErrors.values(reply, fields: Self.fields, language: call.language, renderer: renderer)
                : ["error": call.aiRefusal(reply)]
            return try await list(&call, posted: form, outcome: outcome, status: reply.status < 500 ? .init(code: reply.status) : .badGateway)
        }
        router.get("/ai/reports/:id") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            let reply = try await call.call(.get, "/api/ai/reports/\(id)")
            if let premium = call.premium(reply) {
                return call.page("ai-report", title: call.text("ai_nav_reports"), call.aiValues("reports", ["premium": premium]))
            }
            guard reply.ok else { return call.failure(reply) }
            let report = reply.json["report"] as? [String: Any] ?? [:]
            let content = reply.json["content"] as? [String: Any] ?? [:]
            func number(_ value: Any?, decimals: Int = 1) -> String { (value as? Double).map { LineChart.number($0, decimals: decimals) } ?? "—" }
            let values: [String: Any] = [
                "id": id, "title": report["title"] as? String ?? "", "summary": report["summary"] as? String ?? "",
                "type": call.text("ai_report_\(report["report_type"] as? String ?? "")"), "format": call.text("ai_format_\(report["format"] as? String ?? "")"),
                "period": Self.period(report, language: call.language), "at": Display.dateTime(report["created_at"] as? String, language: call.language),
                "machine_count": content["machine_count"] as? Int ?? 0, "online_count": content["online_count"] as? Int ?? 0,
                "average_health": number(content["average_health"]), "alerts": content["alerts"] as? Int ?? 0,
                "issues": content["issues"] as? [String] ?? [], "recommendations": content["recommendations"] as? [String] ?? [],
                "has_issues": !(content["issues"] as? [String] ?? []).isEmpty,
                "has_recommendations": !(content["recommendations"] as? [String] ?? []).isEmpty,
                "machines": (content["machines"] as? [[String: Any]] ?? []).map { machine -> [String: Any] in
                    [
                        "hostname": machine["hostname"] as? String ?? "", "health": (machine["health_score"] as? Int).map(String.init) ?? "—",
                        "change": (machine["health_change"] as? Int).map { $0 > 0 ? "+\($0)" : String($0) } ?? "—",
                        "cpu": number(machine["cpu_p95"]), "ram": number(machine["ram_p95"]), "disk": number(machine["disk_percent"]),
                        "alerts": machine["alerts"] as? Int ?? 0,
                        "pill": Pill.make(machine["online"] as? Bool == true ? "online" : "offline", language: call.language, renderer: renderer),
                    ]
                },
            ]
            return call.page("ai-report", title: values["title"] as? String ?? "", call.aiValues("reports", ["report": values]))
        }
        router.get("/ai/reports/:id/download") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return call.download(try await call.call(.get, "/api/ai/reports/\(try call.id())/download"))
        }
    }

    private func list(_ call: inout PageCall, posted: PostedForm? = nil, outcome: [String: Any] = [:], status: HTTPResponse.Status = .ok) async throws
        -> Response
    {
        let replies = try await call.get(["/api/ai/reports?limit=50", "/api/machines?sort=hostname&limit=500"])
        var values: [String: Any] = [:]
        if let premium = call.premium(replies[0]) {
            values["premium"] = premium
        } else if !replies[0].ok {
            return call.failure(replies[0])
        }
        let reports = (replies[0].json["reports"] as? [[String: Any]] ?? []).map { report -> [String: Any] in
            [
                "id": report["id"] as? String ?? "", "title": report["title"] as? String ?? "",
                "type": call.text("ai_report_\(report["report_type"] as? String ?? "")"), "format": call.text("ai_format_\(report["format"] as? String ?? "")"),
                "language": report["language"] as? String ?? "", "period": Self.period(report, language: call.language),
                "at": Display.dateTime(report["created_at"] as? String, language: call.language),
            ]
        }
        values["reports"] = reports
        values["has_reports"] = !reports.isEmpty
        if call.isAdmin {
            let machine = posted?["machine_id"] ?? ""
            values["admin"] = [
                "csrf": call.session.csrfToken, "cost": AIAnalysisKind.reportCost, "email_to": posted?["email_to"] ?? "",
                "types": call.options(AIChoices.reportTypes, selected: posted?["report_type"] ?? "daily", prefix: "ai_report_"),
                "formats": call.options(AIChoices.reportFormats, selected: posted?["format"] ?? "executive", prefix: "ai_format_"),
                "languages": call.options(PageRenderer.languages, selected: posted?["language"] ?? call.language, prefix: "language_"),
                "machines": (replies[1].json["machines"] as? [[String: Any]] ?? []).map { entry -> [String: Any] in
                    ["id": entry["id"] as? String ?? "", "hostname": entry["hostname"] as? String ?? "", "current": entry["id"] as? String == machine]
                },
            ]
        }
        values.merge(call.notices(["generated": "ai_report_generated"])) { $1 }
        values.merge(outcome) { $1 }
        return call.page("ai-reports", title: call.text("ai_nav_reports"), call.aiValues("reports", values), status: status)
    }

    static func period(_ report: [String: Any], language: String) -> String {
        Display.dateTime(report["period_start"] as? String, language: language) + " → " + Display.dateTime(report["period_end"] as? String, language: language)
    }
}
