import Foundation

/// A client's AI quota for the current calendar month (UTC), as `GET /ai/quota` reports it.
struct QuotaStatus: Sendable, Equatable, Encodable {
    /// `ai_quotas.monthly_limit` when set (`POST /ai/quota/set`), else the licence's
    /// `license_types.ai_monthly_quota` (Trial 50 … Enterprise 15,000).
    let monthlyLimit: Int
    let used: Int
    let remaining: Int
    let requestCount: Int
    let periodStart: Date
    let resetsAt: Date
    /// True when the limit comes from `ai_quotas` rather than the licence.
    let isCustom: Bool

    init(monthlyLimit: Int, used: Int, requestCount: Int, periodStart: Date, resetsAt: Date, isCustom: Bool) {
        self.monthlyLimit = monthlyLimit
        self.used = used
        remaining = max(0, monthlyLimit - used)
        self.requestCount = requestCount
        self.periodStart = periodStart
        self.resetsAt = resetsAt
        self.isCustom = isCustom
    }

    enum CodingKeys: String, CodingKey {
        case monthlyLimit = "monthly_limit", used, remaining, requestCount = "request_count", isCustom = "custom"
        case periodStart = "period_start", resetsAt = "resets_at"
    }

    /// The first instant of `date`'s month and of the next one, in UTC, and the month as
    /// `ai_usage.period_month` stores it (`2026-11-01`). The day is bound as text: a timestamp
    /// cast to `date` would take the database session's time zone.
    static func month(of date: Date) -> (start: Date, next: Date, day: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = calendar.dateComponents([.year, .month], from: date)
        let start = calendar.date(from: components)!
        let day = String(format: "%04d-%02d-01", components.year!, components.month!)
        return (start, calendar.date(byAdding: .month, value: 1, to: start)!, day)
    }
}
