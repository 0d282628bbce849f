import OptralisCore

/// The api's client-facing errors, with the spec's status codes.
enum APIError {
    static let notAuthenticated = AppError.unauthorized("authentication required", code: "UNAUTHORIZED")
    static let invalidToken = AppError.unauthorized("invalid or expired token", code: "INVALID_TOKEN")
    static let revokedToken = AppError.unauthorized("token revoked", code: "TOKEN_REVOKED")
    static let invalidCredentials = AppError.unauthorized("invalid email or password", code: "INVALID_CREDENTIALS")
    static let invalidMFA = AppError.unauthorized("invalid or expired MFA session or code", code: "INVALID_MFA")
    static let invalidRefresh = AppError.unauthorized("invalid or expired refresh token", code: "INVALID_REFRESH_TOKEN")
    static let refreshReuse = AppError.unauthorized("refresh token reuse detected: every session of this login was revoked", code: "TOKEN_REUSE_DETECTED")
    static let csrf = AppError.forbidden("missing or invalid CSRF token (X-CSRF-Token)", code: "CSRF_INVALID")
    static let passwordChangeRequired = AppError.forbidden("password change required", code: "PASSWORD_CHANGE_REQUIRED")
    static let passwordExpired = AppError.forbidden("password expired: change it to continue", code: "PASSWORD_EXPIRED")
    static let readOnly = AppError.forbidden("observers have read-only access", code: "FORBIDDEN")
    static let adminRequired = AppError.forbidden("admin access required", code: "FORBIDDEN")
    static let superAdminRequired = AppError.forbidden("super_admin access required", code: "FORBIDDEN")
    static let invalidResetToken = AppError.badRequest("invalid or expired reset token", code: "INVALID_RESET_TOKEN")
    static let emailExists = AppError.conflict("a user with this email already exists", code: "EMAIL_EXISTS")
    static let machineGone = AppError.notFound("the machine no longer exists", code: "MACHINE_NOT_FOUND")
    static let emailQueueNotConfigured = emailQueueUnavailable("email queue unavailable (REDIS_URL is not set)")
    static let emailQueueBusy = emailQueueUnavailable("email queue unavailable, try again shortly")

    static func forbidden(_ message: String) -> AppError { .forbidden(message, code: "FORBIDDEN") }
    static func notFound(_ what: String) -> AppError { .notFound("\(what) not found", code: "NOT_FOUND") }
    static func validation(_ message: String) -> AppError { .validation(message, code: "VALIDATION_ERROR") }
    static func emailQueueUnavailable(_ message: String) -> AppError { .serviceUnavailable(message, code: "EMAIL_QUEUE_UNAVAILABLE") }
}
