import Foundation
import OptralisCore

/// The validation of AI routines and triggers ("AI Routines", "AI Triggers"): types, cron
/// schedules, and the keys their JSON objects may hold, so a typo is a 400 rather than a routine
/// that silently does something else.
enum AutomationRules {
    /// Both sets of names the spec gives (the POST example and "Types de routines").
    static let routineTypes: Set<String> = [
        "daily_health_check", "daily_health_score", "daily_report", "weekly_report", "trend_analysis", "drift_detection",
    ]
    static let triggerTypes: Set<String> = ["critical_machine", "new_machine", "degradation"]
    static let analysisTypes: Set<String> = ["full", "health_score", "anomalies", "logs", "recommendations", "trends"]
    /// Per client.
    static let maximumRoutines = 20
    static let maximumTriggers = 20
    static let maximumChannels = 10

    /// Numeric trigger conditions and their ranges, per trigger type.
    static let conditions: [String: [String: ClosedRange<Double>]] = [
        "critical_machine": [
            "health_score_below": 0...100, "offline_minutes": 1...10_080, "cpu_above": 0...100, "ram_above": 0...100, "disk_above": 0...100,
        ],
        "new_machine": ["grace_minutes": 0...1440],
        "degradation": ["z_score_above": 1...10, "trend_days": 1...30, "health_score_drop": 1...100],
    ]

    /// The schedule's next run (UTC), its hour and, for weekly routines, its day (0 = Sunday).
    static func schedule(_ expression: String, routineType: String, after now: Date = Date()) throws -> (next: Date, hour: Int, day: Int?) {
        let cron: CronExpression
        do {
            cron = try CronExpression(expression)
        } catch {
            throw APIError.validation("schedule: \(error)")
        }
        guard let next = cron.next(after: now, in: utc) else { throw APIError.validation("schedule never runs") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        let day = routineType == "weekly_report" ? calendar.component(.weekday, from: next) - 1 : nil
        return (next, calendar.component(.hour, from: next), day)
    }

    private static let utc = TimeZone(identifier: "UTC")!

    /// A routine's `config`: `analysis_type`, `machines` ("all" or ids), `notify_channels`,
    /// `language`, `report_format` (executive or technical).
    static func routineConfig(_ value: JSONValue?) throws -> (json: String, channels: [UUID], machines: [UUID]) {
        guard let value else { return ("{}", [], []) }
        guard case .object(let object) = value else { throw APIError.validation("config must be an object") }
        var channels: [UUID] = [], machines: [UUID] = []
        for (key, member) in object {
            switch key {
            case "analysis_type": try oneOf(member, analysisTypes, field: "config.analysis_type")
            case "language": try oneOf(member, ["fr", "en"], field: "config.language")
            case "report_format": try oneOf(member, ["executive", "technical"], field: "config.report_format")
            case "notify_channels": channels = try ids(member, field: "config.notify_channels", maximum: maximumChannels)
            case "machines":
                if case .string("all") = member { continue }
                machines = try ids(member, field: "config.machines", maximum: Validation.maximumBatch)
            default:
                throw APIError.validation("config.\(key) is not a routine setting (analysis_type, machines, notify_channels, language, report_format)")
            }
        }
        return (try encoded(value), channels, machines)
    }

    /// A trigger's `conditions` (numbers within the type's ranges, at least one for
    /// critical_machine and degradation) and `actions` (`analysis_type`, `notify_channels`).
    static func trigger(type: String, conditions: JSONValue?, actions: JSONValue?) throws -> (conditions: String, actions: String, channels: [UUID]) {
        guard case .object(let given) = conditions ?? .object([:]) else { throw APIError.validation("conditions must be an object") }
        let allowed = Self.conditions[type] ?? [:]
        for (key, member) in given {
            guard let range = allowed[key] else {
                throw APIError.validation("conditions.\(key) does not apply to \(type) (\(allowed.keys.sorted().joined(separator: ", ")))")
            }
            guard case .number(let number) = member, range.contains(number) else {
                throw APIError.validation("conditions.\(key) must be a number from \(range.lowerBound.formatted()) to \(range.upperBound.formatted())")
            }
        }
        if given.isEmpty, type != "new_machine" {
            throw APIError.validation("conditions needs at least one of \(allowed.keys.sorted().joined(separator: ", "))")
        }
        guard case .object(let actionObject) = actions ?? .object([:]) else { throw APIError.validation("actions must be an object") }
        var channels: [UUID] = []
        for (key, member) in actionObject {
            switch key {
            case "analysis_type": try oneOf(member, analysisTypes, field: "actions.analysis_type")
            case "notify_channels": channels = try ids(member, field: "actions.notify_channels", maximum: maximumChannels)
            default: throw APIError.validation("actions.\(key) is not a trigger action (analysis_type, notify_channels)")
            }
        }
        return (try encoded(.object(given)), try encoded(.object(actionObject)), channels)
    }

    private static func oneOf(_ value: JSONValue, _ allowed: Set<String>, field: String) throws {
        guard case .string(let text) = value, allowed.contains(text) else {
            throw APIError.validation("\(field) must be one of \(allowed.sorted().joined(separator: ", "))")
        }
    }

    private static func ids(_ value: JSONValue, field: String, maximum: Int) throws -> [UUID] {
        guard case .array(let items) = value, items.count <= maximum else { throw APIError.validation("\(field) must be a list of at most \(maximum) ids") }
        return try items.map { item in
            guard case .string(let text) = item, let id = UUID(uuidString: text) else { throw APIError.validation("\(field) holds a value that is not a UUID") }
            return id
        }
    }

    private static func encoded(_ value: JSONValue) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
