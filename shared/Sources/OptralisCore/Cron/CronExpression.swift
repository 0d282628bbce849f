#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A five-field cron expression — minute, hour, day of month, month, day of week — with lists
/// (`1,15`), ranges (`1-5`), steps (`*/10`, `0-30/5`, `5/15`), month and day names (`JAN`, `mon-fri`)
/// and the macros `@yearly`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`.
///
/// As in Vixie cron, when both day of month and day of week are restricted a day matches either.
/// Times are local to a time zone: on the night the clocks go forward, a time that does not exist
/// (02:30 in Europe/Paris) is not run that day; on the night they go back, a job at fixed hours
/// runs once, the first time, while a job with `*` hours follows real time (as in Vixie cron).
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    public let source: String
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    /// 0 = Sunday … 6 = Saturday (7 is accepted as Sunday).
    let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool
    /// A job at fixed hours runs once when the clocks go back; one with `*` hours follows real time.
    let hourRestricted: Bool

    public var description: String { source }

    static let macros = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]
    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    public init(_ expression: String) throws(CronError) {
        let trimmed = expression.trimmed()
        let expanded = Self.macros[trimmed.lowercased()] ?? trimmed
        let fields = expanded.split(whereSeparator: \.isWhitespace).map(String.init)
        guard fields.count == 5 else {
            throw CronError(
                expression: expression, reason: "expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily, got \(fields.count)")
        }
        source = trimmed
        minutes = try Self.parse(fields[0], 0...59, names: [], field: "minute", expression: expression)
        hours = try Self.parse(fields[1], 0...23, names: [], field: "hour", expression: expression)
        daysOfMonth = try Self.parse(fields[2], 1...31, names: [], field: "day of month", expression: expression)
        months = try Self.parse(fields[3], 1...12, names: Self.monthNames, field: "month", expression: expression)
        let weekdays = try Self.parse(fields[4], 0...7, names: Self.dayNames, field: "day of week", expression: expression)
        daysOfWeek = Set(weekdays.map { $0 % 7 })
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
        hourRestricted = !fields[1].hasPrefix("*")
    }

    private static func parse(_ field: String, _ bounds: ClosedRange<Int>, names: [String], field name: String, expression: String) throws(CronError) -> Set<
        Int
    > {
        func fail(_ reason: String) -> CronError { CronError(expression: expression, reason: "\(name) field \"\(field)\": \(reason)") }
        func value(_ text: Substring) throws(CronError) -> Int {
            if let number = Int(text) {
                guard bounds.contains(number) else { throw fail("\(number) is outside \(bounds.lowerBound)-\(bounds.upperBound)") }
                return number
            }
            if let index = names.firstIndex(of: text.uppercased()) { return index + (bounds.lowerBound == 1 ? 1 : 0) }
            throw fail("\"\(text)\" is not a number\(names.isEmpty ? "" : " or a name")")
        }
        var result = Set<Int>()
        for part in field.split(separator: ",", omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw fail("empty list item") }
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw fail("more than one /") }
            var step = 1
            if pieces.count == 2 {
                // Bounded by the field's width: a larger step matches only the start, and a huge one
                // would overflow the stride and stop the process.
                guard let parsed = Int(pieces[1]), (1...bounds.count).contains(parsed) else {
                    throw fail("the step must be a number from 1 to \(bounds.count)")
                }
                step = parsed
            }
            let range = pieces[0]
            var low: Int, high: Int
            if range == "*" {
                (low, high) = (bounds.lowerBound, bounds.upperBound)
            } else if let dash = range.firstIndex(of: "-") {
                low = try value(range[..<dash])
                high = try value(range[range.index(after: dash)...])
                guard low <= high else { throw fail("the range \(range) goes backwards") }
            } else {
                low = try value(range)
                high = pieces.count == 2 ? bounds.upperBound : low
            }
            result.formUnion(stride(from: low, through: high, by: step))
        }
        return result
    }

    func matchesDay(dayOfMonth: Int, weekday: Int) -> Bool {
        let byMonthDay = daysOfMonth.contains(dayOfMonth)
        let byWeekday = daysOfWeek.contains(weekday)
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (true, true): return byMonthDay || byWeekday
        case (true, false): return byMonthDay
        case (false, true): return byWeekday
        case (false, false): return true
        }
    }

    /// The first time strictly after `date` that the expression matches in `timeZone`; nil when
    /// none exists within eight years (`0 0 30 2 *`, say).
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var time = Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60)
        let limit = date.addingTimeInterval(8 * 366 * 86_400)
        while time < limit {
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: time)
            guard let month = parts.month, let day = parts.day, let hour = parts.hour, let minute = parts.minute, let weekday = parts.weekday else {
                return nil
            }
            if !months.contains(month) {
                guard let start = calendar.date(from: DateComponents(year: parts.year, month: month, day: 1)),
                    let nextMonth = calendar.date(byAdding: .month, value: 1, to: start)
                else { return nil }
                time = nextMonth
                continue
            }
            if !matchesDay(dayOfMonth: day, weekday: weekday - 1) {
                guard let nextDay = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: time)) else { return nil }
                time = nextDay
                continue
            }
            if !hours.contains(hour) {
                time = time.addingTimeInterval(TimeInterval(60 - minute) * 60)
                continue
            }
            if !minutes.contains(minute) || (hourRestricted && Self.isSecondOccurrence(time, in: timeZone)) {
                time = time.addingTimeInterval(60)
                continue
            }
            return time
        }
        return nil
    }

    /// True for the second pass through a wall-clock time the clocks turned back over: a
    /// transition T in the last hour lowered the offset by d, and `time` is within d of it.
    static func isSecondOccurrence(_ time: Date, in timeZone: TimeZone) -> Bool {
        let hourBefore = time.addingTimeInterval(-3600)
        let drop = timeZone.secondsFromGMT(for: hourBefore) - timeZone.secondsFromGMT(for: time)
        guard drop > 0, let transition = timeZone.nextDaylightSavingTimeTransition(after: hourBefore) else { return false }
        return time >= transition && time < transition.addingTimeInterval(TimeInterval(drop))
    }
}

public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    public let expression: String
    public let reason: String
    public var description: String { "invalid cron expression \"\(expression)\": \(reason)" }

    public init(expression: String, reason: String) {
        self.expression = expression
        self.reason = reason
    }
}
