import OptralisCore

/// The errors of licences: status, tier gates and the machine limit.
enum LicenceError {
    static let suspended = AppError.forbidden("the client's licence is suspended: contact your administrator", code: "LICENSE_SUSPENDED")
    static let expired = AppError.forbidden("the client's licence has expired: contact your administrator", code: "LICENSE_EXPIRED")

    static func premiumRequired(tier: String, clientLicence: String) -> AppError {
        .forbidden("this feature needs the \(tier) licence or above (this client has \(clientLicence))", code: "PREMIUM_REQUIRED")
    }
    static func machineLimit(_ limit: Int) -> AppError { .forbidden("the licence allows \(limit) machines", code: "LICENSE_MACHINE_LIMIT") }
}
