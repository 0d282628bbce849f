import Foundation

/// When a client's daily summary is due: once per local day, from its hour on, in its time zone.
/// A summary missed at its hour (the scheduler down, the setting turned on later in the day)
/// goes at the next run of the same local day; the next day starts over.
public enum DailySummarySchedule {
    /// The local date at `now` in `timeZone`, as PostgreSQL's `date` reads it (`2026-12-06`).
    public static func localDate(_ now: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }

    /// The local date to claim when the summary is due at `now`: the local hour has reached
    /// `hour` and the last summary went on an earlier date (or never). Nil otherwise.
    public static func due(now: Date, hour: Int, timeZone: TimeZone, lastSentOn: String?) -> String? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard calendar.component(.hour, from: now) >= hour else { return nil }
        let today = localDate(now, in: timeZone)
        // ISO dates compare as strings.
        if let lastSentOn, lastSentOn >= today { return nil }
        return today
    }
}
