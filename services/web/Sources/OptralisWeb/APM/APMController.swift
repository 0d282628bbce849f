import Foundation
import Hummingbird
import OptralisCore

/// `/apm` (Pro+): the client's applications with their response time and availability, the
/// add and edit form (admins), the ingest key shown once after a creation or a rotation, one
/// application's figures and traces (Business+), and one trace's waterfall (``Waterfall``).
/// Below Pro the page says which licence brings it (the api's 403 `PREMIUM_REQUIRED`).
struct APMController: Sendable {
    let api: APIClient
    let renderer: PageRenderer

    static let machinesPath = "/api/machines?sort=hostname&limit=500"

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/apm") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await list(&call)
        }
        router.get("/apm/new") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await form(&call, id: nil, application: ["interval_seconds": 60, "expected_status": 200, "timeout_seconds": 10])
        }
        router.get("/apm/:id/edit") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            let reply = try await call.get(["/api/apm/applications/\(id)"])[0]
            guard reply.ok else { return call.failure(reply) }
            return try await form(&call, id: id, application: reply.json)
        }
        router.post("/apm") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await save(&call, id: nil)
        }
        router.post("/apm/:id") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await save(&call, id: try call.id())
        }
        router.post("/apm/:id/rotate-key") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            _ = try await call.form()
            let reply = try await call.call(.post, "/api/apm/applications/\(id)/rotate-key")
            guard reply.ok else { return call.after(reply, to: "/apm/\(id)") }
            return key(call, reply.json)
        }
        router.get("/apm/:id") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await detail(&call, id: try call.id())
        }
        router.get("/apm/:id/traces/:trace") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            guard let trace = context.parameters.get("trace")?.lowercased(), trace.wholeMatch(of: /[0-9a-f]{32}/) != nil else { throw HTTPError(.notFound) }
            let replies = try await call.get(["/api/apm/applications/\(id)", "/api/apm/applications/\(id)/traces/\(trace)"])
            guard replies[0].ok else { return call.failure(replies[0]) }
            if let premium = call.premium(replies[1]) {
                return call.page("apm-trace", title: call.text("nav_apm"), ["nav_apm": true, "premium": premium, "id": id])
            }
            guard replies[1].ok else { return call.failure(replies[1]) }
            let waterfall = Waterfall(replies[1].json)
            return call.page(
                "apm-trace", title: call.text("apm_trace"),
                [
                    "nav_apm": true, "id": id, "name": replies[0].json["name"] as? String ?? "", "trace_id": trace,
                    "duration": Self.duration(waterfall.durationNs), "span_count": waterfall.spans.count, "svg": waterfall.svg(language: call.language),
                    "spans": waterfall.spans.map { span in
                        [
                            "name": span.name, "indent": String(repeating: "· ", count: min(span.depth, 20)), "service": span.service ?? "",
                            "offset": Self.duration(span.offsetNs), "duration": Self.duration(span.durationNs), "error": span.error,
                            "message": span.message ?? "",
                        ]
                    },
                ])
        }
        DeleteRoutes(api: api, renderer: renderer).add(to: router, page: "/apm", apiPath: "/api/apm/applications", texts: "apm", nav: "nav_apm")
    }

    private func list(_ call: inout PageCall) async throws -> Response {
        let reply = try await call.get(["/api/apm/applications"])[0]
        var values: [String: Any] = ["nav_apm": true]
        if let premium = call.premium(reply) {
            values["premium"] = premium
            return call.page("apm", title: call.text("nav_apm"), values)
        }
        guard reply.ok else { return call.failure(reply) }
        let applications = (reply.json["applications"] as? [[String: Any]] ?? []).map { Self.row($0, call) }
        values.merge([
            "applications": applications, "has_applications": !applications.isEmpty,
            "limit": (reply.json["limit"] as? Int).map { call.text("apm_limit").replacingOccurrences(of: "{count}", with: String($0)) }
                ?? call.text("apm_unlimited"),
        ]) { $1 }
        let limit = reply.json["limit"] as? Int
        if call.isAdmin, limit.map({ applications.count < $0 }) ?? true { values["admin"] = ["csrf": call.session.csrfToken] }
        if call.isAdmin { values["is_admin"] = true }
        values.merge(call.notices(["deleted": "apm_deleted", "saved": "apm_saved"])) { $1 }
        return call.page("apm", title: call.text("nav_apm"), values)
    }

    static func row(_ application: [String: Any], _ call: PageCall) -> [String: Any] {
        let latest = application["latest"] as? [String: Any]
        let up = latest?["up"] as? Bool
        return [
            "id": application["id"] as? String ?? "", "name": application["name"] as? String ?? "", "url": application["url"] as? String ?? "",
            "machine": application["machine_hostname"] as? String ?? "", "machine_id": application["machine_id"] as? String ?? "",
            "state": up == nil ? call.text("apm_no_probe") : call.text(up == true ? "apm_up" : "apm_down"),
            "tone": up == nil ? "muted" : up == true ? "ok" : "critical",
            "response": number(latest?["response_time_ms"]).map { format($0) + " ms" } ?? "—",
            "availability": number(application["availability_24h"]).map { format($0) + " %" } ?? "—",
            "tls": (latest?["tls_days_left"] as? Int).map { call.text("apm_days").replacingOccurrences(of: "{count}", with: String($0)) } ?? "—",
            "tls_low": (latest?["tls_days_left"] as? Int).map { $0 < 15 } ?? false,
            "checked": Display.dateTime(latest?["recorded_at"] as? String, language: call.language),
        ]
    }

    private func detail(_ call: inout PageCall, id: String) async throws -> Response {
        let periods: [String] = ["1h", "24h", "7d", "30d"]
        let asked = call.request.uri.queryParameters["period"].map(String.init) ?? "24h"
        let period: String = periods.contains(asked) ? asked : "24h"
        let replies = try await call.get([
            "/api/apm/applications/\(id)", "/api/apm/applications/\(id)/metrics?period=\(period)", "/api/apm/applications/\(id)/traces?limit=50",
        ])
        if let premium = call.premium(replies[0]) { return call.page("apm", title: call.text("nav_apm"), ["nav_apm": true, "premium": premium]) }
        guard replies[0].ok else { return call.failure(replies[0]) }
        guard replies[1].ok else { return call.failure(replies[1]) }
        let application = replies[0].json
        let summary = replies[1].json["summary"] as? [String: Any] ?? [:]
        var values: [String: Any] = [
            "nav_apm": true, "id": id, "application": Self.row(application, call), "period": period,
            "periods": periods.map { ["key": $0, "current": $0 == period] },
            "interval": application["interval_seconds"] as? Int ?? 0, "expected": application["expected_status"] as? Int ?? 0,
            "journal_unit": application["journal_unit"] as? String ?? "", "key_prefix": application["ingest_key_prefix"] as? String ?? "",
            "availability": Self.number(summary["availability"]).map { Self.format($0) + " %" } ?? "—",
            "response_avg": Self.number(summary["response_time_avg_ms"]).map { Self.format($0) + " ms" } ?? "—",
            "response_p95": Self.number(summary["response_time_p95_ms"]).map { Self.format($0) + " ms" } ?? "—",
            "checks": summary["checks"] as? Int ?? 0,
            "errors": (summary["error_count"] as? Int).map(String.init) ?? "—",
            "errors_per_hour": Self.number(summary["errors_per_hour"]).map { Self.format($0) } ?? "—",
            "throughput": Self.format(Self.number(summary["throughput_per_minute"]) ?? 0),
        ]
        if let premium = call.premium(replies[2]) {
            values["traces_premium"] = premium
        } else if replies[2].ok {
            let traces = (replies[2].json["traces"] as? [[String: Any]] ?? []).map { trace -> [String: Any] in
                [
                    "trace_id": trace["trace_id"] as? String ?? "", "name": trace["root_name"] as? String ?? "",
                    "service": trace["service_name"] as? String ?? "", "started": Display.dateTime(trace["started_at"] as? String, language: call.language),
                    "duration": Self.duration((trace["duration_ns"] as? Int).map(Int64.init) ?? 0), "spans": trace["span_count"] as? Int ?? 0,
                    "errors": trace["error_count"] as? Int ?? 0, "has_errors": (trace["error_count"] as? Int ?? 0) > 0,
                ]
            }
            values["traces"] = traces
            values["has_traces"] = !traces.isEmpty
            values["traces_open"] = true
        }
        if call.isAdmin { values["admin"] = ["csrf": call.session.csrfToken] }
        return call.page("apm-application", title: application["name"] as? String ?? call.text("nav_apm"), values)
    }

    private func form(_ call: inout PageCall, id: String?, application: [String: Any], refusal: APIClient.Reply? = nil) async throws -> Response {
        let title = call.text(id == nil ? "apm_new" : "apm_edit")
        let machines = try await call.get([Self.machinesPath])[0]
        let selected = application["machine_id"] as? String
        var values: [String: Any] = [
            "title": title, "csrf": call.session.csrfToken, "nav_apm": true, "action": id.map { "/apm/\($0)" } ?? "/apm",
            "name": application["name"] as? String ?? "", "url": application["url"] as? String ?? "",
            "interval_seconds": Self.text(application["interval_seconds"]), "expected_status": Self.text(application["expected_status"]),
            "timeout_seconds": Self.text(application["timeout_seconds"]), "journal_unit": application["journal_unit"] as? String ?? "",
            "machines": (machines.json["machines"] as? [[String: Any]] ?? []).map { machine in
                let machineID = machine["id"] as? String ?? ""
                return ["id": machineID, "hostname": machine["hostname"] as? String ?? "", "selected": machineID == selected]
            },
        ]
        if let refusal {
            if let premium = call.premium(refusal) { values["premium"] = premium }
            values.merge(
                FieldErrors.values(
                    refusal, fields: ["name", "machine_id", "url", "interval_seconds", "expected_status", "timeout_seconds", "journal_unit"],
                    codes: ["APPLICATION_EXISTS": "name"], language: call.language, renderer: renderer)
            ) { $1 }
            if refusal.code == "APM_APPLICATION_LIMIT" { values["error"] = call.text("apm_limit_reached") }
        }
        return call.page("apm-form", title: title, values, status: refusal == nil ? .ok : .badRequest)
    }

    private func save(_ call: inout PageCall, id: String?) async throws -> Response {
        let form = try await call.form()
        var body: [String: Any] = [
            "name": form["name"] ?? "", "url": form["url"] ?? "", "machine_id": form["machine_id"] ?? "", "journal_unit": form["journal_unit"] ?? "",
        ]
        // Numbers as typed when they read as one (the api bounds them); else as text, which it refuses by field.
        for field in ["interval_seconds", "expected_status", "timeout_seconds"] {
            let raw = form[field] ?? ""
            if raw.isEmpty { continue }
            body[field] = raw.count <= 9 ? Int(raw).map { $0 as Any } ?? raw : raw
        }
        let reply = try await call.call(id == nil ? .post : .put, id.map { "/api/apm/applications/\($0)" } ?? "/api/apm/applications", json: body)
        if reply.ok, id == nil { return key(call, reply.json) }
        if reply.ok || reply.status == 404 { return call.after(reply, to: id.map { "/apm/\($0)" } ?? "/apm", done: "saved") }
        return try await self.form(&call, id: id, application: body, refusal: reply)
    }

    /// The ingest key, this once, with how an OpenTelemetry SDK sends to it.
    private func key(_ call: PageCall, _ application: [String: Any]) -> Response {
        call.page(
            "apm-key", title: call.text("apm_key_title"),
            [
                "nav_apm": true, "id": application["id"] as? String ?? "", "name": application["name"] as? String ?? "",
                "key": application["ingest_key"] as? String ?? "",
            ])
    }

    static func number(_ value: Any?) -> Double? { (value as? Double) ?? (value as? Int).map(Double.init) }

    static func text(_ value: Any?) -> String { (value as? Int).map(String.init) ?? (value as? String) ?? "" }

    /// One decimal at most: 12.5, 100.
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// 850 µs, 12.5 ms, 3.2 s.
    static func duration(_ nanoseconds: Int64) -> String {
        let value = Double(nanoseconds)
        if value < 1_000_000 { return format(value / 1000) + " µs" }
        if value < 1_000_000_000 { return format(value / 1_000_000) + " ms" }
        return format(value / 1_000_000_000) + " s"
    }
}
