import Foundation

/// What every `/ai` page shares: its place in the navigation, and the AI service's refusals in
/// the user's words.
extension PageCall {
    static let aiSections = [("overview", "/ai"), ("reports", "/ai/reports"), ("automation", "/ai/automation"), ("settings", "/ai/settings")]

    /// `values` with the rail's "AI" and the sub-navigation (`ai-nav`) with `section` current.
    func aiValues(_ section: String, _ values: [String: Any]) -> [String: Any] {
        var all = values
        all["nav_ai"] = true
        all["ai_nav"] = Self.aiSections.map { key, href -> [String: Any] in ["href": href, "label": text("ai_nav_\(key)"), "current": key == section] }
        return all
    }

    /// The api's refusal of an analysis or of the quota in the user's words: nothing new since
    /// the last run (304), the cooldown and when it ends, the quota used up, else the code's text.
    func aiRefusal(_ reply: APIClient.Reply) -> String {
        let json = reply.json
        if reply.status == 304 {
            let key = reply.header("X-Optralis-Code") == "NO_SIGNIFICANT_CHANGES" ? "ai_no_changes" : "ai_no_new_data"
            return text(key).replacingOccurrences(of: "{at}", with: Display.dateTime(reply.header("X-Optralis-Last-Analysis"), language: language))
        }
        if json["cooldown"] as? Bool == true {
            let minutes = max(1, ((json["remaining_secs"] as? Int ?? 0) + 59) / 60)
            return text("ai_cooldown").replacingOccurrences(of: "{at}", with: Display.dateTime(json["next_available"] as? String, language: language))
                .replacingOccurrences(of: "{minutes}", with: String(minutes))
        }
        if reply.code == "QUOTA_EXCEEDED" {
            return text("ai_quota_exceeded").replacingOccurrences(of: "{used}", with: String(json["used"] as? Int ?? 0))
                .replacingOccurrences(of: "{limit}", with: String(json["monthly_limit"] as? Int ?? 0))
                .replacingOccurrences(of: "{at}", with: Display.dateTime(json["resets_at"] as? String, language: language))
        }
        if let code = reply.code, let known = renderer.texts[language]?["code_\(code)"] { return known }
        return reply.error ?? text("api_unavailable")
    }
}
