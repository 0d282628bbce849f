import Foundation

extension ReportPeriod {
    /// The `days` days up to `now`: what `GET /api/reports/executive/weekly` (7) and `/monthly` (30) cover.
    public static func rolling(days: Int, now: Date) -> ReportPeriod {
        ReportPeriod(from: now.addingTimeInterval(-Double(days) * 86_400), to: now)
    }

    /// The last complete calendar week (Monday 00:00 UTC), month or quarter before `date`: what a
    /// scheduled report sent at `date` covers. `custom` is treated as weekly.
    public static func completed(_ kind: ExecutiveReportKind, before date: Date) -> ReportPeriod {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let end: Date
        let start: Date
        switch kind {
        case .weekly, .custom:
            end = calendar.dateInterval(of: .weekOfYear, for: date)!.start
            start = calendar.date(byAdding: .day, value: -7, to: end)!
        case .monthly:
            end = calendar.dateInterval(of: .month, for: date)!.start
            start = calendar.date(byAdding: .month, value: -1, to: end)!
        case .quarterly:
            let month = calendar.component(.month, from: date)
            let year = calendar.component(.year, from: date)
            end = calendar.date(from: DateComponents(year: year, month: ((month - 1) / 3) * 3 + 1, day: 1))!
            start = calendar.date(byAdding: .month, value: -3, to: end)!
        }
        return ReportPeriod(from: start, to: end)
    }
}
