#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The api's timestamps (`2026-12-06T13:00:00Z`, optionally with a fraction) read and written
/// by arithmetic: a month of hourly points is thousands of them, and the general ISO 8601
/// parser, `ISO8601FormatStyle` and `DateFormatter` were a tenth of a dashboard page's time.
public enum UTCTimestamp {
    /// Nil for anything but `YYYY-MM-DDTHH:MM:SS[.fff…](Z|+00:00)`.
    public static func parse(_ text: String) -> Date? {
        var utf8 = text.utf8.makeIterator()
        func digits(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard let byte = utf8.next(), byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func expect(_ character: UInt8) -> Bool { utf8.next() == character }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2), expect(84),
            let hour = digits(2), expect(58), let minute = digits(2), expect(58), let second = digits(2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction = 0.0, scale = 0.1
        var next = utf8.next()
        if next == 46 { // "."
            next = utf8.next()
            while let byte = next, byte >= 48, byte <= 57 {
                fraction += Double(byte - 48) * scale
                scale /= 10
                next = utf8.next()
            }
        }
        switch next {
        case 90: guard utf8.next() == nil else { return nil } // "Z"
        case 43: guard digits(2) == 0, expect(58), digits(2) == 0, utf8.next() == nil else { return nil } // "+00:00"
        default: return nil
        }
        let seconds = Double(daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    /// `dd/MM HH:mm`, or `pattern` `.dayMonth` (`dd/MM`) or `.time` (`HH:mm`), in UTC.
    public enum Pattern: Sendable { case dayMonthTime, dayMonth, time }

    public static func format(_ date: Date, _ pattern: Pattern) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let days = total >= 0 ? total / 86400 : (total - 86399) / 86400
        let secondOfDay = total - days * 86400
        let (_, month, day) = civilFromDays(days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        switch pattern {
        case .dayMonthTime: return "\(two(day))/\(two(month)) \(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60))"
        case .dayMonth: return "\(two(day))/\(two(month))"
        case .time: return "\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60))"
        }
    }

    /// `2026-12-06T13:00:00Z`: what `JSONEncoder`'s `.iso8601` writes (whole seconds, rounded down).
    public static func iso8601(_ date: Date) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let days = total >= 0 ? total / 86400 : (total - 86399) / 86400
        let secondOfDay = total - days * 86400
        let (year, month, day) = civilFromDays(days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        let yearText = year < 1000 ? String(repeating: "0", count: year < 10 ? 3 : (year < 100 ? 2 : 1)) + String(year) : String(year)
        return "\(yearText)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))Z"
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
