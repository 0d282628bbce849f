import Foundation

/// Events of one kind (``SystemEvent/key``) over a window: how often, when, how bursty
/// (`/ai/analyze/logs`: "patterns problématiques, erreurs récurrentes").
struct LogPattern: Sendable, Equatable {
    var source: String
    var eventID: Int?
    /// The most severe level among its events.
    var level: String
    var count: Int
    var firstSeen: Date
    var lastSeen: Date
    /// The latest event's message.
    var message: String
    /// The most events of this kind in one clock hour.
    var peakPerHour: Int

    /// Three occurrences make a recurring error (the spec's "≥ 3 nouveaux logs ERROR/CRITICAL" is
    /// what makes new logs significant).
    static let recurringCount = 3
    var isRecurring: Bool { count >= Self.recurringCount }

    static let levels = ["critical", "error", "warning", "info"]

    /// The patterns of `events`: most severe level first, then most frequent, then latest.
    static func group(_ events: [SystemEvent]) -> [LogPattern] {
        Dictionary(grouping: events, by: \.key).values.compactMap { group -> LogPattern? in
            let sorted = group.sorted { $0.time < $1.time }
            guard let first = sorted.first, let last = sorted.last else { return nil }
            let level = levels.first { level in group.contains { $0.level == level } } ?? last.level
            let perHour = Dictionary(grouping: sorted) { Int($0.time.timeIntervalSince1970 / 3600) }.values.map(\.count).max() ?? 0
            return LogPattern(
                source: first.source, eventID: first.eventID, level: level, count: group.count, firstSeen: first.time, lastSeen: last.time,
                message: last.message, peakPerHour: perHour)
        }
        .sorted {
            let (left, right) = (levels.firstIndex(of: $0.level) ?? levels.count, levels.firstIndex(of: $1.level) ?? levels.count)
            if left != right { return left < right }
            if $0.count != $1.count { return $0.count > $1.count }
            return $0.lastSeen > $1.lastSeen
        }
    }
}
