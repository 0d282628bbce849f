import Foundation
import Hummingbird

/// `/ai/settings`: the client's AI configuration (`/api/ai-config`, Enterprise; below, the
/// licence notice): automatic criticality detection, the context put in the AI's prompts, its
/// language, each machine's criticality with where it comes from, and the patterns that decide
/// it. Admins change the settings, set a machine's criticality by hand (or give it back to
/// automatic detection) and classify the fleet again.
struct AISettingsController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let fields: Set<String> = ["auto_detect_enabled", "custom_context", "language", "pattern", "criticality"]

    /// The client's own patterns, as the api answered them, for its `PUT` (which replaces them).
    static func customPatterns(_ reply: APIClient.Reply) -> [[String: Any]] {
        ((reply.json["config"] as? [String: Any])?["custom_patterns"] as? [[String: Any]] ?? []).map { pattern in
            [
                "pattern": pattern["pattern"] as? String ?? "", "criticality": pattern["criticality"] as? String ?? "",
                "reason": pattern["reason"] as? String ?? "",
            ]
        }
    }

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/ai/settings") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await settings(&call)
        }
        router.post("/ai/settings") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let form = try await call.form()
            let reply = try await call.call(
                .put, "/api/ai-config",
                json: [
                    "auto_detect_enabled": form["auto_detect_enabled"] == "on", "custom_context": form["custom_context"] ?? "",
                    "language": form["language"] ?? "",
                ])
            if reply.ok || reply.status == 403 { return call.after(reply, to: "/ai/settings") }
            return try await settings(&call, posted: form, refusal: reply)
        }
        router.post("/ai/settings/criticality") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let form = try await call.form()
            // Only the machines whose choice changed: the api takes 100 at once.
            let changed = form.pairs.filter { $0.name.hasPrefix("c_") }.compactMap { pair -> [String: Any]? in
                let machine = String(pair.name.dropFirst(2))
                guard UUID(uuidString: machine) != nil, form["was_\(machine)"] != pair.value else { return nil }
                return ["machine_id": machine, "criticality": pair.value.isEmpty ? NSNull() as Any : pair.value]
            }
            return call.after(try await call.call(.put, "/api/ai-config", json: ["classifications": changed]), to: "/ai/settings")
        }
        // The api replaces the whole list: read it, add or take out one, write it back.
        router.post("/ai/settings/patterns") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let form = try await call.form()
            let current = try await call.call(.get, "/api/ai-config")
            guard current.ok else { return call.after(current, to: "/ai/settings") }
            var patterns = Self.customPatterns(current)
            if let removed = form["remove"] {
                patterns.removeAll { $0["pattern"] as? String == removed }
            } else {
                patterns.append(["pattern": form["pattern"] ?? "", "criticality": form["criticality"] ?? "", "reason": form["reason"] ?? ""])
            }
            let reply = try await call.call(.put, "/api/ai-config", json: ["custom_patterns": patterns])
            if reply.ok || reply.status == 403 { return call.after(reply, to: "/ai/settings") }
            return try await settings(&call, posted: form, refusal: reply)
        }
        router.post("/ai/settings/analyze") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            _ = try await call.form()
            return call.after(try await call.call(.post, "/api/ai-config/analyze"), to: "/ai/settings", done: "classified")
        }
    }

    private func settings(_ call: inout PageCall, posted: PostedForm? = nil, refusal: APIClient.Reply? = nil) async throws -> Response {
        let reply = try await call.call(.get, "/api/ai-config")
        var values: [String: Any] = [:]
        if let premium = call.premium(reply) {
            values["premium"] = premium
        } else {
            guard reply.ok else { return call.failure(reply) }
            let config = reply.json["config"] as? [String: Any] ?? [:]
            let summary = reply.json["summary"] as? [String: Int] ?? [:]
            let machines = (reply.json["classifications"] as? [[String: Any]] ?? []).map { machine -> [String: Any] in
                let level = machine["criticality"] as? String
                let manual = machine["source"] as? String == "manual" ? level ?? "" : ""
                let id = machine["machine_id"] as? String ?? ""
                return [
                    "id": id, "hostname": machine["hostname"] as? String ?? "", "was": manual,
                    "level": level.map { call.text("ai_criticality_\($0)") } ?? call.text("ai_criticality_none"),
                    "source": (machine["source"] as? String).map { call.text("ai_classified_\($0)") } ?? "—",
                    "pattern": machine["matched_pattern"] as? String ?? "", "reason": machine["reason"] as? String ?? "",
                    "choices": [["key": "", "label": call.text("ai_criticality_auto"), "current": manual.isEmpty]]
                        + call.options(AIChoices.criticalities, selected: manual, prefix: "ai_criticality_"),
                ]
            }
            let patterns =
                ((config["custom_patterns"] as? [[String: Any]] ?? []).map { ($0, true) }
                + (reply.json["built_in_patterns"] as? [[String: Any]] ?? []).map { ($0, false) })
                .map { pattern, custom -> [String: Any] in
                    [
                        "pattern": pattern["pattern"] as? String ?? "", "level": call.text("ai_criticality_\(pattern["criticality"] as? String ?? "")"),
                        "reason": pattern["reason"] as? String ?? "", "origin": call.text(custom ? "ai_pattern_custom" : "ai_pattern_built_in"),
                        "custom": custom,
                    ]
                }
            values["config"] = [
                "auto": config["auto_detect_enabled"] as? Bool == true, "context": config["custom_context"] as? String ?? "",
                "language": call.text("language_\(config["language"] as? String ?? "")"),
                "analyzed": Display.dateTime(config["last_analyzed_at"] as? String, language: call.language),
                "summary": ["critical", "important", "standard", "unclassified"].map {
                    ["label": call.text("ai_criticality_\($0 == "unclassified" ? "none" : $0)"), "count": summary[$0] ?? 0]
                },
                "machines": machines, "has_machines": !machines.isEmpty, "patterns": patterns,
            ]
            if call.isAdmin {
                let refused = refusal.map { FieldErrors.values($0, fields: Self.fields, language: call.language, renderer: renderer) } ?? [:]
                values["admin"] = [
                    "csrf": call.session.csrfToken,
                    "auto": posted.map { $0["auto_detect_enabled"] == "on" } ?? (config["auto_detect_enabled"] as? Bool == true),
                    "context": posted?["custom_context"] ?? config["custom_context"] as? String ?? "",
                    "languages": call.options(PageRenderer.languages, selected: posted?["language"] ?? config["language"] as? String, prefix: "language_"),
                    "errors": refused["errors"] ?? [String: String](), "error": refused["error"] as? String ?? "",
                    "new_pattern": posted?["pattern"] ?? "", "new_reason": posted?["reason"] ?? "",
                    "criticalities": call.options(AIChoices.criticalities, selected: posted?["criticality"] ?? "important", prefix: "ai_criticality_"),
                ]
            }
        }
        values.merge(call.notices(["classified": "ai_classified"])) { $1 }
        return call.page("ai-settings", title: call.text("ai_nav_settings"), call.aiValues("settings", values), status: refusal == nil ? .ok : .badRequest)
    }
}
