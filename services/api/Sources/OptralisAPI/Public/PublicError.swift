import OptralisCore

/// The errors of the public routes: the contact form and its Turnstile check.
enum PublicError {
    static let contactNotConfigured = AppError.serviceUnavailable("the contact form is not configured (CONTACT_EMAIL)", code: "CONTACT_NOT_CONFIGURED")
    static let turnstileRequired = AppError.badRequest("turnstile_token is required", code: "TURNSTILE_REQUIRED")
    static let turnstileUnreachable = AppError.badGateway("the Turnstile verification is unreachable", code: "TURNSTILE_UNAVAILABLE")

    static func turnstileStatus(_ status: Int) -> AppError {
        .badGateway("the Turnstile verification answered HTTP \(status)", code: "TURNSTILE_UNAVAILABLE")
    }
    static func turnstileFailed(reasons: String) -> AppError {
        .badRequest("the anti-spam verification failed" + (reasons.isEmpty ? "" : " (\(reasons))"), code: "TURNSTILE_FAILED")
    }
}
