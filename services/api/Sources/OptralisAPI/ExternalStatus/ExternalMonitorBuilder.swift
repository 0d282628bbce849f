import Foundation

/// Turns UptimeRobot's monitors into ``ExternalMonitor``s, bounding everything it sent: at most
/// ``maximumMonitors`` monitors and ``maximumLogs`` logs each (what was asked for), names and
/// URLs cut, numbers checked against their range before any integer conversion (Swift traps on
/// an out-of-range one; dates stay `Double` seconds throughout), log entries dated more than a
/// minute ahead of now or of an unknown type ignored.
enum ExternalMonitorBuilder {
    /// UptimeRobot's page size: one `getMonitors` call returns at most 50 monitors.
    static let maximumMonitors = 50
    /// `logs_limit=1000`.
    static let maximumLogs = 1000
    static let maximumNameLength = 200
    static let maximumURLLength = 2048
    /// A response time above ten minutes is not one.
    static let maximumResponseMilliseconds = 600_000.0

    static func monitors(_ answer: [UptimeRobotAnswer.Monitor], now: Date) -> [ExternalMonitor] {
        answer.prefix(maximumMonitors).map { monitor(from: $0, now: now.timeIntervalSince1970) }
    }

    static func monitor(from monitor: UptimeRobotAnswer.Monitor, now: TimeInterval) -> ExternalMonitor {
        let events = (monitor.logs ?? []).prefix(maximumLogs).compactMap { log -> HalfDayUptime.Event? in
            guard let at = log.datetime?.value, at <= now + 60, let kind = kind(log.type?.value) else { return nil }
            return HalfDayUptime.Event(kind: kind, at: at)
        }
        let outages = HalfDayUptime.outages(events, now: now)
        return ExternalMonitor(
            id: identifier(monitor.id?.value), name: String((monitor.friendlyName ?? "").prefix(maximumNameLength)),
            status: status(monitor.status?.value), uptimeRatio: ratio(monitor.customUptimeRatio),
            responseTime: monitor.averageResponseTime?.value.flatMap { (0...maximumResponseMilliseconds).contains($0) ? Int($0.rounded()) : nil },
            url: String((monitor.url ?? "").prefix(maximumURLLength)), uptime15d: HalfDayUptime.bars(outages: outages, now: now))
    }

    static func kind(_ type: Double?) -> HalfDayUptime.Event.Kind? {
        switch type {
        case 1: .down
        case 2: .up
        case 98: .started
        case 99: .paused
        default: nil
        }
    }

    static func status(_ code: Double?) -> String {
        switch code {
        case 2: "online"
        case 8: "degraded"
        case 9: "offline"
        case 0: "paused"
        default: "unknown"
        }
    }

    /// The first dash-separated ratio (one per period asked), within 0–100, to 0.01.
    static func ratio(_ text: String?) -> Double? {
        guard let first = text?.split(separator: "-").first, let value = Double(first.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            return nil
        }
        return (min(max(value, 0), 100) * 100).rounded() / 100
    }

    /// UptimeRobot's ids are positive integers; the spec returns them as strings.
    static func identifier(_ value: Double?) -> String {
        guard let value, value >= 0, value < 1e15, value == value.rounded() else { return "" }
        return String(Int64(value))
    }
}
