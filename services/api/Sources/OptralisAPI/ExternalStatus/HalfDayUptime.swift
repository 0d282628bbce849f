import Foundation

/// The spec's `uptime_15d` of an external monitor: 30 half-days (UTC 00:00–11:59 and
/// 12:00–23:59, the current one last), each `(43200 − seconds down) / 43200 × 100`, where the
/// seconds down are the overlap of the half-day with the outages read from UptimeRobot's logs.
/// The current half-day is measured against all of its 43,200 seconds, as the spec says, so an
/// outage early in it weighs as it will at its end.
enum HalfDayUptime {
    static let halfDay: TimeInterval = 43_200
    static let count = 30

    /// One UptimeRobot log entry, once read and bounded.
    struct Event: Sendable {
        enum Kind: Sendable { case down, up, started, paused }
        let kind: Kind
        let at: TimeInterval
    }

    /// The outages, from events in any order: sorted chronologically (UptimeRobot lists them
    /// newest first; ties keep the later-listed, older, one first), a `down` opens an outage and
    /// the next `up`, `started` or `paused` closes it; one still open at the end lasts until `now`.
    static func outages(_ events: [Event], now: TimeInterval) -> [ClosedRange<TimeInterval>] {
        let chronological = events.enumerated().sorted { ($0.element.at, $1.offset) < ($1.element.at, $0.offset) }.map(\.element)
        var outages: [ClosedRange<TimeInterval>] = []
        var downSince: TimeInterval?
        for event in chronological {
            switch event.kind {
            case .down:
                if downSince == nil { downSince = event.at }
            case .up, .started, .paused:
                if let start = downSince { outages.append(start...max(start, event.at)) }
                downSince = nil
            }
        }
        if let start = downSince { outages.append(start...max(start, now)) }
        return outages
    }

    /// The 30 values, oldest first, rounded to 0.01.
    static func bars(outages: [ClosedRange<TimeInterval>], now: TimeInterval) -> [Double] {
        let current = (now / halfDay).rounded(.down) * halfDay
        return (0..<count).map { index in
            let start = current - Double(count - 1 - index) * halfDay
            let end = min(start + halfDay, now)
            let down = outages.reduce(0.0) { total, outage in
                total + max(0, min(outage.upperBound, end) - max(outage.lowerBound, start))
            }
            let percent = (halfDay - min(down, halfDay)) / halfDay * 100
            return (percent * 100).rounded() / 100
        }
    }
}
