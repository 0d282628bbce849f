import OptralisCore

/// The errors of smart alert rules.
enum SmartAlertError {
    static let ruleLimitReached = AppError.badRequest(
        "a client can have at most \(SmartAlertPolicy.maximumRules) smart alert rules", code: "SMART_RULE_LIMIT_REACHED")
}
