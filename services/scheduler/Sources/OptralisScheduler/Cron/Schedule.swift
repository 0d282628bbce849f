import Foundation
import OptralisCore

/// When a job runs: a cron expression in a time zone, or `@every <n>s|m|h` — a fixed interval,
/// for short periods cron cannot express (and tests).
public enum Schedule: Sendable, Equatable, CustomStringConvertible {
    case cron(CronExpression, TimeZone)
    case every(Duration)

    public init(_ text: String, timeZone: TimeZone = TimeZone(identifier: "UTC")!) throws(CronError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased().hasPrefix("@every ") {
            let amount = trimmed.dropFirst(7).trimmingCharacters(in: .whitespaces)
            guard let unit = amount.last, let value = Int(amount.dropLast()), value > 0 else {
                throw CronError(expression: text, reason: "@every takes a positive number with s, m or h, e.g. @every 30s")
            }
            switch unit {
            case "s": self = .every(.seconds(value))
            case "m": self = .every(.seconds(value * 60))
            case "h": self = .every(.seconds(value * 3600))
            default: throw CronError(expression: text, reason: "@every takes s, m or h")
            }
        } else {
            self = .cron(try CronExpression(trimmed), timeZone)
        }
    }

    public func next(after date: Date) -> Date? {
        switch self {
        case .cron(let expression, let timeZone):
            return expression.next(after: date, in: timeZone)
        case .every(let interval):
            // Aligned on the epoch, so every replica computes the same occurrences.
            let step = Double(interval.components.seconds)
            return Date(timeIntervalSince1970: ((date.timeIntervalSince1970 / step).rounded(.down) + 1) * step)
        }
    }

    public var description: String {
        switch self {
        case .cron(let expression, let timeZone): "\(expression) (\(timeZone.identifier))"
        case .every(let interval): "@every \(interval.components.seconds)s"
        }
    }
}
