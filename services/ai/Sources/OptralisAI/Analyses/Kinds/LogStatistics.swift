import Foundation

/// `/ai/analyze/logs`: the machine's error and critical events of the last 7 days grouped into
/// patterns (``LogPattern``), the recurring and critical ones raised as issues.
struct LogStatistics: Sendable, Encodable {
    struct Pattern: Sendable, Encodable {
        var pattern: LogPattern

        enum CodingKeys: String, CodingKey {
            case source, eventID = "event_id", level, count, firstSeen = "first_seen", lastSeen = "last_seen", message
            case peakPerHour = "peak_per_hour", recurring
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(pattern.source, forKey: .source)
            try container.encodeIfPresent(pattern.eventID, forKey: .eventID)
            try container.encode(pattern.level, forKey: .level)
            try container.encode(pattern.count, forKey: .count)
            try container.encode(pattern.firstSeen, forKey: .firstSeen)
            try container.encode(pattern.lastSeen, forKey: .lastSeen)
            try container.encode(pattern.message, forKey: .message)
            try container.encode(pattern.peakPerHour, forKey: .peakPerHour)
            try container.encode(pattern.isRecurring, forKey: .recurring)
        }
    }

    var windowDays: Int
    var criticalCount: Int
    var errorCount: Int
    var patternCount: Int
    var recurringCount: Int
    /// The 25 first patterns (``LogPattern/group(_:)``'s order).
    var patterns: [Pattern]

    enum CodingKeys: String, CodingKey {
        case windowDays = "window_days", criticalCount = "critical_count", errorCount = "error_count", patternCount = "pattern_count"
        case recurringCount = "recurring_count", patterns
    }

    static let windowDays = 7
    static let levels = ["critical", "error"]
    static let listedPatterns = 25
    static let raisedIssues = 10

    /// Never nil: a machine without errors is a finding too.
    static func findings(_ events: [SystemEvent], language: AILanguage) -> AnalysisFindings<LogStatistics> {
        let patterns = LogPattern.group(events)
        let statistics = LogStatistics(
            windowDays: windowDays, criticalCount: events.count { $0.level == "critical" }, errorCount: events.count { $0.level == "error" },
            patternCount: patterns.count, recurringCount: patterns.count(where: \.isRecurring),
            patterns: patterns.prefix(listedPatterns).map(Pattern.init))
        let issues = patterns.compactMap { pattern -> AnalysisIssue? in
            let severity: AnalysisIssue.Severity
            if pattern.level == "critical" {
                severity = .critical
            } else if pattern.isRecurring {
                severity = pattern.count >= 10 ? .high : .medium
            } else {
                return nil
            }
            let name = pattern.eventID.map { "\(pattern.source) #\($0)" } ?? pattern.source
            return AnalysisIssue(
                category: "logs",
                title: wording(language, fr: "\(name) : \(pattern.count) × \(pattern.level)", en: "\(name): \(pattern.count) × \(pattern.level)"),
                description: String(pattern.message.prefix(200)), severity: severity)
        }
        let summary =
            events.isEmpty
            ? wording(language, fr: "Aucune erreur ni événement critique sur 7 jours.", en: "No error or critical event in the last 7 days.")
            : wording(
                language,
                fr:
                    "\(statistics.criticalCount) événement(s) critique(s) et \(statistics.errorCount) erreur(s) sur 7 jours, \(patterns.count) motif(s) dont \(statistics.recurringCount) récurrent(s).",
                en:
                    "\(statistics.criticalCount) critical event(s) and \(statistics.errorCount) error(s) in 7 days, \(patterns.count) pattern(s), \(statistics.recurringCount) recurring."
            )
        return AnalysisFindings(statistics: statistics, issues: Array(issues.prefix(raisedIssues)), summary: summary)
    }
}
