import Foundation
import OptralisCore

/// Dates as the webhook bodies show them, computed with integer arithmetic (no locale, no time zone
/// database, so the same everywhere):
/// - French: Europe/Paris wall time, "08/01/2026 à 14:30" (CET, or CEST from the last Sunday of March
///   01:00 UTC to the last Sunday of October 01:00 UTC, the EU rule);
/// - English: UTC, "2026-01-08 13:30 UTC" (unambiguous for readers on either side of the Atlantic);
/// - Discord's `timestamp`: ISO 8601 UTC, "2026-01-08T13:30:00Z".
enum WebhookDates {
    struct Civil: Equatable {
        var year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64
    }

    static func french(_ date: Date) -> String {
        let seconds = epochSeconds(date)
        let c = civil(seconds + parisOffsetSeconds(atEpochSeconds: seconds))
        return "\(two(c.day))/\(two(c.month))/\(four(c.year)) à \(two(c.hour)):\(two(c.minute))"
    }

    static func english(_ date: Date) -> String {
        let c = civil(epochSeconds(date))
        return "\(four(c.year))-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)) UTC"
    }

    static func iso8601(_ date: Date) -> String {
        let c = civil(epochSeconds(date))
        return "\(four(c.year))-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))Z"
    }

    /// "Il y a 5 minutes" / "5 minutes ago": how long before `now` the machine was last seen (whole minutes,
    /// then hours from 60 minutes, then days from 24 hours). Under a minute, or in the future: "À l'instant".
    static func relative(_ lastSeen: Date, now: Date, french: Bool) -> String {
        let elapsed = now.timeIntervalSince(lastSeen)
        guard elapsed.isFinite, elapsed >= 60 else { return french ? "À l'instant" : "Just now" }
        let minutes = Int64(min(elapsed, 1e15) / 60)
        let (count, unitFR, unitEN): (Int64, String, String) =
            if minutes < 60 { (minutes, "minute", "minute") } else if minutes < 24 * 60 { (minutes / 60, "heure", "hour") } else {
                (minutes / (24 * 60), "jour", "day")
            }
        let plural = count > 1 ? "s" : ""
        return french ? "Il y a \(count) \(unitFR)\(plural)" : "\(count) \(unitEN)\(plural) ago"
    }

    /// 3,600 (CET) or 7,200 (CEST) seconds.
    static func parisOffsetSeconds(atEpochSeconds seconds: Int64) -> Int64 {
        let year = civil(seconds).year
        let summerStart = lastSunday(year: year, month: 3) * 86_400 + 3_600
        let summerEnd = lastSunday(year: year, month: 10) * 86_400 + 3_600
        return seconds >= summerStart && seconds < summerEnd ? 7_200 : 3_600
    }

    static func epochSeconds(_ date: Date) -> Int64 {
        let interval = date.timeIntervalSince1970
        guard interval.isFinite else { return 0 }
        // Within years 0...9999, so every date prints with four digits.
        return Int64(min(max(interval, -62_167_219_200), 253_402_300_799).rounded(.down))
    }

    static func civil(_ seconds: Int64) -> Civil {
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilFromDays(days)
        return Civil(
            year: year, month: month, day: day, hour: secondOfDay / 3_600, minute: secondOfDay % 3_600 / 60,
            second: secondOfDay % 60)
    }

    /// Days since 1970-01-01 of the last Sunday of `month`.
    private static func lastSunday(year: Int64, month: Int64) -> Int64 {
        let lastDay = daysFromCivil(year: year, month: month, day: 31)
        let weekday = floorModulo(lastDay + 4, 7) // 1970-01-01 was a Thursday; 0 = Sunday.
        return lastDay - weekday
    }

    // Howard Hinnant's proleptic Gregorian calendar algorithms, shared in OptralisCore.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        Int64(UTCTimestamp.daysFromCivil(Int(year), Int(month), Int(day)))
    }

    static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let (year, month, day) = UTCTimestamp.civilFromDays(Int(days))
        return (Int64(year), Int64(month), Int64(day))
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func floorModulo(_ a: Int64, _ b: Int64) -> Int64 { a - floorDivide(a, b) * b }

    private static func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }

    private static func four(_ n: Int64) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
