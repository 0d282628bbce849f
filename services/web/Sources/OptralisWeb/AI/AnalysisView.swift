import Foundation
import OptralisCore

/// One stored analysis (`GET /api/ai/analyses/{id}`) as the page shows it: the summary, the
/// health score and its categories, the issues found, Claude's narrative (explanations,
/// recommendations, scripts) or why it is missing, and the computed statistics as
/// `path: value` lines. Every value is text the template escapes.
enum AnalysisView {
    /// At most this many statistics lines (a correlation has a line per metric pair).
    static let maximumStatistics = 120

    static func values(_ reply: APIClient.Reply, call: PageCall) -> [String: Any] {
        let analysis = reply.json
        let result = analysis["result"] as? [String: Any] ?? [:]
        let kind = analysis["analysis_type"] as? String ?? ""
        let hostname = analysis["machine_hostname"] as? String ?? "—"
        var values: [String: Any] = [
            "title": call.text("ai_kind_\(kind)") + " — " + hostname, "kind": call.text("ai_kind_\(kind)"), "hostname": hostname,
            "machine_id": analysis["machine_id"] as? String ?? "", "source": call.text("ai_source_\(analysis["source"] as? String ?? "")"),
            "at": Display.dateTime(analysis["created_at"] as? String, language: call.language), "cost": analysis["quota_cost"] as? Int ?? 0,
            "summary": result["summary"] as? String ?? analysis["summary"] as? String ?? "",
        ]
        if let score = result["overall_score"] as? Int {
            let categories = (result["category_scores"] as? [String: Int] ?? [:]).sorted { $0.key < $1.key }
            values["score"] = [
                "value": score, "risk": call.text("ai_risk_\(result["risk_level"] as? String ?? "")"),
                "trend": call.text("ai_trend_\(result["trend"] as? String ?? "unknown")"),
                "confidence": Int(((result["confidence"] as? Double ?? 0) * 100).rounded()),
                "categories": categories.map { ["name": $0.key, "value": $0.value] }, "has_categories": !categories.isEmpty,
            ]
        }
        let issues = (result["top_issues"] as? [[String: Any]] ?? []).map { issue -> [String: Any] in
            let severity = issue["severity"] as? String ?? "medium"
            return [
                "title": issue["title"] as? String ?? "", "description": issue["description"] as? String ?? "", "category": issue["category"] as? String ?? "",
                "pill": [
                    "class": ["critical": "critical", "high": "critical", "medium": "warning"][severity] ?? "info",
                    "icon": ["critical": "■", "high": "■", "medium": "▲"][severity] ?? "ℹ", "label": call.text("ai_severity_\(severity)"),
                ],
            ]
        }
        values["issues"] = issues
        values["has_issues"] = !issues.isEmpty
        let narrative = result["narrative"] as? [String: Any] ?? [:]
        if narrative["available"] as? Bool == true {
            let explanations = narrative["explanations"] as? [String] ?? []
            let recommendations = narrative["recommendations"] as? [[String: Any]] ?? [], scripts = narrative["scripts"] as? [[String: Any]] ?? []
            values["narrative"] = [
                "explanations": explanations, "has_explanations": !explanations.isEmpty, "has_recommendations": !recommendations.isEmpty,
                "has_scripts": !scripts.isEmpty,
                "recommendations": recommendations.map { item -> [String: Any] in
                    [
                        "title": item["title"] as? String ?? "", "details": item["details"] as? String ?? "",
                        "priority": call.text("ai_priority_\(item["priority"] as? String ?? "medium")"),
                    ]
                },
                "scripts": scripts.map { script -> [String: Any] in
                    [
                        "platform": script["platform"] as? String ?? "", "purpose": script["purpose"] as? String ?? "", "code": script["code"] as? String ?? "",
                        "warnings": script["safety_warnings"] as? [String] ?? [],
                    ]
                },
            ]
        } else {
            let reason = narrative["reason"] as? String ?? ""
            values["narrative_missing"] = call.renderer.texts[call.language]?["ai_reason_\(reason)"] ?? call.text("ai_reason_other") + " (" + reason + ")"
        }
        var lines: [[String: String]] = []
        if case .object(let whole)? = try? JSONDecoder().decode(JSONValue.self, from: Data(reply.body)), case .object(let stored)? = whole["result"],
            let statistics = stored["statistics"]
        {
            flatten(statistics, path: "", into: &lines)
        }
        values["statistics"] = Array(lines.prefix(maximumStatistics))
        values["has_statistics"] = !lines.isEmpty
        return values
    }

    /// `statistics.cpu.p95 = 42.5` lines, depth first, keys in order.
    static func flatten(_ value: JSONValue, path: String, into lines: inout [[String: String]]) {
        switch value {
        case .object(let members):
            for key in members.keys.sorted() { flatten(members[key] ?? .null, path: path.isEmpty ? key : path + "." + key, into: &lines) }
        case .array(let items) where items.allSatisfy(isScalar):
            lines.append(["key": path, "value": items.map(text).joined(separator: ", ")])
        case .array(let items):
            for (index, item) in items.enumerated() { flatten(item, path: "\(path)[\(index)]", into: &lines) }
        default:
            lines.append(["key": path, "value": text(value)])
        }
    }

    private static func isScalar(_ value: JSONValue) -> Bool {
        switch value {
        case .array, .object: false
        default: true
        }
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: "—"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : LineChart.number(number, decimals: 2)
        case .string(let string): string
        case .array, .object: ""
        }
    }
}
