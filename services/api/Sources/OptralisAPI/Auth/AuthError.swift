import OptralisCore

/// The errors of passwords and MFA (spec "Authentification"); the session ones are in `APIError`.
enum AuthError {
    static let mfaAlreadyEnabled = AppError.badRequest("MFA is already enabled", code: "MFA_ALREADY_ENABLED")
    static let mfaSetupNotFound = AppError.badRequest("no MFA set-up in progress: call /api/users/mfa/setup first", code: "MFA_SETUP_NOT_FOUND")
    static let invalidMFACode = AppError.badRequest("invalid code", code: "INVALID_MFA_CODE")
    static let usedMFACode = AppError.unauthorized("invalid or already used code", code: "INVALID_MFA_CODE")
    static let mfaNotEnabled = AppError.badRequest("MFA is not enabled", code: "MFA_NOT_ENABLED")
    static let mfaCodeRequired = AppError.badRequest("code is required: a current TOTP code or a backup code", code: "MFA_CODE_REQUIRED")
    static let incorrectPassword = AppError.unauthorized("password is incorrect", code: "INVALID_PASSWORD")
    static let incorrectCurrentPassword = AppError.unauthorized("current password is incorrect", code: "INVALID_PASSWORD")

    static func weakPassword(missing: [String]) -> AppError {
        .validation("password must have " + missing.joined(separator: ", "), code: "WEAK_PASSWORD")
    }
}
