import Foundation

/// What differs between AI routines (scheduled analyses) and triggers (analyses on a
/// condition) in their pages: the api's path and type field, the body a form posts, the form's
/// values, a row of the list and of the history. ``AIAutomationController`` does the rest once
/// for both.
struct AutomationKind: Sendable {
    /// `routines` or `triggers`: the api's path under `/api/ai/` and the dashboard's under `/ai/`.
    let plural: String
    /// `routine` or `trigger`: the type field is `<singular>_type`, texts are `ai_<singular>_…`.
    let singular: String
    let types: [String]
    /// The fields the api's messages may name (`config.x`, `conditions.x`, `actions.x` included).
    let fields: Set<String>

    static let routine = AutomationKind(
        plural: "routines", singular: "routine", types: AIChoices.routineTypes,
        fields: ["routine_type", "schedule", "analysis_type", "language", "report_format", "notify_channels", "machines"])
    static let trigger = AutomationKind(
        plural: "triggers", singular: "trigger", types: AIChoices.triggerTypes,
        fields: Set(["trigger_type", "conditions", "analysis_type", "notify_channels"] + AIChoices.conditions.map(\.key)))

    var isRoutine: Bool { singular == "routine" }

    /// The machines a routine's form offers (a client past 500 names the others through the api).
    static let machinesPath = "/api/machines?sort=hostname&limit=500"

    /// The api's body for a form: on an edit (`current`, the stored item) the type is left out.
    /// A routine analyses the machines ticked, or every machine when none is.
    func body(_ form: PostedForm, current: [String: Any]?) -> [String: Any] {
        var body: [String: Any] = ["enabled": form["enabled"] == "on"]
        if current == nil { body["\(singular)_type"] = form["\(singular)_type"] ?? "" }
        var settings: [String: Any] = ["notify_channels": form.all("notify_channels")]
        if let analysis = form["analysis_type"], !analysis.isEmpty { settings["analysis_type"] = analysis }
        if isRoutine {
            body["schedule"] = form["schedule"] ?? ""
            for key in ["language", "report_format"] { if let value = form[key], !value.isEmpty { settings[key] = value } }
            let machines = form.all("machines")
            if !machines.isEmpty { settings["machines"] = machines }
            body["config"] = settings
        } else {
            var conditions: [String: Any] = [:]
            for (key, _) in AIChoices.conditions { if let typed = form[key], !typed.isEmpty { conditions[key] = form.number(key) } }
            body["conditions"] = conditions
            body["actions"] = settings
        }
        return body
    }

    /// The form's values, from the stored item (`item`), from what was posted (`posted`), or the
    /// defaults of a new one; with the api's `refusal` next to its field, or above the form.
    func form(
        item: [String: Any]?, posted: PostedForm?, refusal: APIClient.Reply?, channels: [[String: Any]], machines: [[String: Any]], call: PageCall
    ) -> [String: Any] {
        let refused = refusal.map { FieldErrors.values($0, fields: fields, language: call.language, renderer: call.renderer) } ?? [:]
        let errors = refused["errors"] as? [String: Any] ?? [:]
        let settings = (item?[isRoutine ? "config" : "actions"] as? [String: Any]) ?? [:]
        func value(_ key: String) -> String? { posted.map { $0[key] ?? "" } ?? settings[key] as? String }
        let chosen = Set(posted?.all("notify_channels") ?? settings["notify_channels"] as? [String] ?? [])
        let id = item?["id"] as? String
        var values: [String: Any] = [
            "csrf": call.session.csrfToken, "is_new": id == nil, "action": "/ai/\(plural)" + (id.map { "/\($0)" } ?? ""),
            "enabled": posted.map { $0["enabled"] == "on" } ?? (item?["enabled"] as? Bool ?? true),
            "types": call.options(types, selected: posted?["\(singular)_type"] ?? item?["\(singular)_type"] as? String, prefix: "ai_\(singular)_"),
            "analyses": [["key": "", "label": "—", "current": (value("analysis_type") ?? "").isEmpty]]
                + call.options(AIChoices.automatedAnalyses, selected: value("analysis_type"), prefix: "ai_kind_"),
            "channels": channels.map { channel -> [String: Any] in
                let channelID = channel["id"] as? String ?? ""
                return [
                    "id": channelID, "name": channel["name"] as? String ?? "", "type": channel["type"] as? String ?? "", "checked": chosen.contains(channelID),
                ]
            },
            "errors": errors, "error": refused["error"] as? String ?? "", "open": refusal != nil,
        ]
        if isRoutine {
            let ticked = Set(posted?.all("machines") ?? settings["machines"] as? [String] ?? [])
            values["machines"] = machines.map { machine -> [String: Any] in
                let machineID = machine["id"] as? String ?? ""
                return ["id": machineID, "hostname": machine["hostname"] as? String ?? "", "checked": ticked.contains(machineID)]
            }
            values["schedule"] = posted?["schedule"] ?? item?["schedule"] as? String ?? "0 8 * * *"
            values["languages"] =
                [["key": "", "label": "—", "current": (value("language") ?? "").isEmpty]]
                + call.options(PageRenderer.languages, selected: value("language"), prefix: "language_")
            values["formats"] =
                [["key": "", "label": "—", "current": (value("report_format") ?? "").isEmpty]]
                + call.options(AIChoices.reportFormats, selected: value("report_format"), prefix: "ai_format_")
        } else {
            let conditions = item?["conditions"] as? [String: Any] ?? [:]
            values["conditions"] = AIChoices.conditions.map { key, type -> [String: Any] in
                let stored = (conditions[key] as? Double).map { LineChart.number($0, decimals: $0 == $0.rounded() ? 0 : 1) } ?? ""
                return [
                    "key": key, "label": call.text("ai_condition_\(key)"), "applies": call.text("ai_trigger_\(type)"),
                    "value": posted.map { $0[key] ?? "" } ?? stored, "error": (errors[key] as? String) ?? "",
                ]
            }
        }
        return values
    }

    /// A line of the list.
    func row(_ item: [String: Any], call: PageCall) -> [String: Any] {
        let enabled = item["enabled"] as? Bool == true
        let settings = (item[isRoutine ? "config" : "actions"] as? [String: Any]) ?? [:]
        var row: [String: Any] = [
            "id": item["id"] as? String ?? "", "type": call.text("ai_\(singular)_\(item["\(singular)_type"] as? String ?? "")"),
            "analysis": (settings["analysis_type"] as? String).map { call.text("ai_kind_\($0)") } ?? "—",
            "state": Pill.make(enabled ? "online" : "offline", language: call.language, renderer: call.renderer),
            "state_label": call.text(enabled ? "rule_on" : "rule_off"), "toggle_label": call.text(enabled ? "rule_turn_off" : "rule_turn_on"),
            "next_enabled": enabled ? "false" : "true",
        ]
        if isRoutine {
            row["schedule"] = item["schedule"] as? String ?? ""
            row["last"] = Display.dateTime(item["last_run_at"] as? String, language: call.language)
            row["next"] = Display.dateTime(item["next_run_at"] as? String, language: call.language)
        } else {
            let conditions = item["conditions"] as? [String: Any] ?? [:]
            row["conditions"] = conditions.keys.sorted().map { key in
                call.text("ai_condition_\(key)") + " "
                    + ((conditions[key] as? Double).map { LineChart.number($0, decimals: $0 == $0.rounded() ? 0 : 1) } ?? "?")
            }.joined(separator: ", ")
            row["last"] = Display.dateTime(item["last_triggered_at"] as? String, language: call.language)
        }
        return row
    }

    /// A line of the history: a routine's run or a trigger's firing.
    func historyRow(_ entry: [String: Any], call: PageCall) -> [String: Any] {
        let status = entry["status"] as? String ?? ""
        let pill = ["success": "resolved", "failed": "critical", "partial": "warning", "skipped": "offline"][status] ?? "info"
        var row: [String: Any] = [
            "pill": ["class": pill, "icon": Pill.icons[pill] ?? "", "label": call.text("ai_run_\(status)")],
            "at": Display.dateTime(entry[isRoutine ? "started_at" : "triggered_at"] as? String, language: call.language),
        ]
        if isRoutine {
            row["detail"] =
                call.text("ai_run_counts").replacingOccurrences(of: "{machines}", with: String(entry["machines_analyzed"] as? Int ?? 0))
                .replacingOccurrences(of: "{issues}", with: String(entry["issues_found"] as? Int ?? 0))
                + ((entry["error_message"] as? String).map { " — " + $0 } ?? "")
        } else {
            row["machine_id"] = entry["machine_id"] as? String ?? ""
            row["hostname"] = entry["machine_hostname"] as? String ?? ""
            row["detail"] = entry["trigger_reason"] as? String ?? ""
        }
        return row
    }
}
