import Foundation
import Hummingbird

/// `/settings`: the client, its licence limits and usage and the platform's fixed thresholds
/// (`GET /api/settings`, read-only), the daily summary (on/off, hour, time zone, recipients:
/// admins change it through `PUT /api/settings`), the user's account language, and which alert
/// types each notification channel receives. Admins change their own language here
/// (`PUT /api/users/{id}`, which the api refuses observers); the channels themselves are edited
/// on their own page.
struct SettingsController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let fields: Set<String> = ["language"]
    static let summaryFields: Set<String> = ["enabled", "hour", "timezone", "recipients"]

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/settings") { request, context -> Response in
            try await page(request, context)
        }
        router.post("/settings/language") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let form = try await call.form()
            let me = try await call.call(.get, "/api/me")
            guard me.ok, let id = (me.json["user"] as? [String: Any])?["id"] as? String else { return call.after(me, to: "/settings") }
            let language = form["language"] ?? ""
            let reply = try await call.call(.put, "/api/users/\(id)", json: ["language": language])
            if reply.status == 403 { return call.after(reply, to: "/settings") }
            guard reply.ok else { return try await page(request, context, refusal: reply) }
            // The session and the language cookie follow at once, so the next page speaks it.
            call.session.user.language = language
            try await api.sessions.save(call.session, id: call.sessionID)
            var response = call.after(reply, to: "/settings", done: "language")
            response.setCookie(.init(name: "optralis_lang", value: language, maxAge: 365 * 24 * 3600, path: "/", sameSite: .lax))
            return response
        }
        router.post("/settings/daily-summary") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let form = try await call.form()
            let posted: [String: Any] = [
                "enabled": form["enabled"] != nil, "hour": form.integer("hour"), "timezone": form["timezone"] ?? "",
                "recipients": (form["recipients"] ?? "").split(whereSeparator: { ",; \n\r\t".contains($0) }).map(String.init),
            ]
            let reply = try await call.call(.put, "/api/settings", json: ["daily_summary": posted])
            if reply.status == 403 { return call.after(reply, to: "/settings") }
            guard reply.ok else { return try await page(request, context, summaryRefusal: reply, posted: posted) }
            return call.after(reply, to: "/settings", done: "daily_summary")
        }
    }

    private func page(
        _ request: Request, _ context: WebRequestContext, refusal: APIClient.Reply? = nil, summaryRefusal: APIClient.Reply? = nil,
        posted: [String: Any]? = nil
    ) async throws -> Response {
        var call = try PageCall(request, context, api: api, renderer: renderer)
        let language = call.language
        let replies = try await call.get(["/api/settings", "/api/me", "/api/notifications/channels", "/api/notifications/types"])
        guard replies[0].ok else { return call.failure(replies[0]) }
        let settings = replies[0].json
        let client = settings["client"] as? [String: Any] ?? [:]
        let limits = settings["limits"] as? [String: Any] ?? [:]
        let unlimited = call.text("unlimited")
        func number(_ value: Any?) -> String { (value as? Int).map(String.init) ?? unlimited }
        let account = replies[1].json["user"] as? [String: Any] ?? [:]
        let typeNames = Dictionary(
            (replies[3].json["types"] as? [[String: Any]] ?? []).compactMap { type -> (String, String)? in
                guard let key = type["key"] as? String else { return nil }
                return (key, (language == "en" ? type["label_en"] : type["label"]) as? String ?? key)
            }, uniquingKeysWith: { first, _ in first })
        let channels = (replies[2].json["channels"] as? [[String: Any]] ?? []).map { channel -> [String: Any] in
            let types = (channel["alert_types"] as? [String] ?? []).map { typeNames[$0] ?? $0 }
            return [
                "name": channel["name"] as? String ?? "", "type": channel["type"] as? String ?? "",
                "enabled": renderer.text(channel["enabled"] as? Bool == true ? "yes" : "no", language),
                "types": types.isEmpty ? call.text("channel_all_types") : types.joined(separator: ", "),
            ]
        }
        let accountLanguage = account["language"] as? String ?? "fr"
        var values: [String: Any] = [
            "nav_settings": true, "channels": channels, "has_channels": !channels.isEmpty,
            "client": [
                "name": client["name"] as? String ?? "", "language": call.text("language_\(client["language"] as? String ?? "fr")"),
                "licence": client["license_name"] as? String ?? "", "licence_type": client["license_type"] as? String ?? "",
                "status": call.text("licence_status_\(client["license_status"] as? String ?? "active")"),
                "expires": (client["license_expires_at"] as? String).map { Display.dateTime($0, language: language) } ?? call.text("never"),
                "tier": number(client["tier_level"]), "machines": number(settings["machine_count"]), "max_machines": number(client["max_machines"]),
                "metrics_days": number(client["metrics_retention_days"]), "events_days": number(client["events_retention_days"]),
                "ai_quota": number(client["ai_monthly_quota"]),
            ],
            "limits": [
                "offline_after_minutes": number(limits["offline_after_minutes"]), "heartbeat_seconds": number(limits["heartbeat_seconds"]),
                "heartbeat_under_load_seconds": number(limits["heartbeat_under_load_seconds"]),
                "labels_per_machine": number(limits["labels_per_machine"]), "machines_per_batch": number(limits["machines_per_batch"]),
            ],
            "account": ["email": account["email"] as? String ?? "", "language": call.text("language_\(accountLanguage)")],
            "summary": Self.summary(settings["daily_summary"] as? [String: Any] ?? [:], posted: posted, call: call),
        ]
        if call.isAdmin {
            values["admin"] =
                [
                    "csrf": call.session.csrfToken,
                    "languages": PageRenderer.languages.map { key -> [String: Any] in
                        ["key": key, "label": call.text("language_\(key)"), "current": key == accountLanguage]
                    },
                ] as [String: Any]
        }
        if let refusal { values.merge(FieldErrors.values(refusal, fields: Self.fields, language: language, renderer: renderer)) { $1 } }
        if let summaryRefusal {
            let refused = FieldErrors.values(summaryRefusal, fields: Self.summaryFields, language: language, renderer: renderer)
            values["summary_errors"] = refused["errors"] ?? [:]
            values["summary_error"] = refused["error"]
        }
        values.merge(call.notices(["language": "language_saved", "daily_summary": "daily_summary_saved"])) { $1 }
        let refused = refusal != nil || summaryRefusal != nil
        return call.page("settings", title: call.text("nav_settings"), values, status: refused ? .badRequest : .ok)
    }

    /// `2026-12-06` as the dashboard writes dates in both languages (`06/12/2026`).
    static func day(_ iso: String) -> String {
        let parts = iso.split(separator: "-")
        return parts.count == 3 ? "\(parts[2])/\(parts[1])/\(parts[0])" : iso
    }

    /// The daily summary as the api has it, or as posted when the api refused it.
    static func summary(_ saved: [String: Any], posted: [String: Any]?, call: PageCall) -> [String: Any] {
        let source = posted ?? saved
        let hour = source["hour"] as? Int ?? saved["hour"] as? Int ?? 8
        let recipients = source["recipients"] as? [String] ?? []
        let savedRecipients = saved["recipients"] as? [String] ?? []
        return [
            "enabled": source["enabled"] as? Bool ?? true,
            "enabled_text": call.text(saved["enabled"] as? Bool == false ? "no" : "yes"),
            "hour_text": String(format: "%02d:00", saved["hour"] as? Int ?? 8), "timezone": source["timezone"] as? String ?? "Europe/Paris",
            "saved_timezone": saved["timezone"] as? String ?? "Europe/Paris",
            "recipients": recipients.joined(separator: "\n"),
            "recipients_text": savedRecipients.isEmpty ? call.text("daily_summary_admins") : savedRecipients.joined(separator: ", "),
            "last_sent": (saved["last_sent_on"] as? String).map(Self.day) ?? call.text("never"),
            "hours": (0...23).map { value -> [String: Any] in ["key": value, "label": String(format: "%02d:00", value), "current": value == hour] },
        ]
    }
}
