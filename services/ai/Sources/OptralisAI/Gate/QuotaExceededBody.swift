/// `{"error": "Monthly AI quota exceeded", "code": "QUOTA_EXCEEDED", "monthly_limit", "used", "resets_at"}`.
struct QuotaExceededBody: Encodable, Sendable {
    let error = "Monthly AI quota exceeded"
    let code = "QUOTA_EXCEEDED"
    let monthlyLimit: Int
    let used: Int
    let resetsAt: String

    enum CodingKeys: String, CodingKey {
        case error, code, monthlyLimit = "monthly_limit", used, resetsAt = "resets_at"
    }
}
