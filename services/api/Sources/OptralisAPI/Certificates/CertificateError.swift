import OptralisCore

/// The errors of agent certificates and of the certificate authority the api calls.
enum CertificateError {
    static let caUnreachable = AppError.serviceUnavailable("the certificate authority is unreachable", code: "CA_UNAVAILABLE")
    static let notFound = AppError.notFound("certificate not found", code: "CERTIFICATE_NOT_FOUND")
    static let notRestorable = AppError.conflict(
        "the certificate cannot be restored (expired, or the machine has another active certificate)", code: "CERTIFICATE_CONFLICT")
    static let noActiveCertificate = AppError.notFound("the machine has no active certificate", code: "CERTIFICATE_NOT_FOUND")
    static let noActiveCertificateToRenew = AppError.notFound(
        "the machine has no active certificate: re-install the agent with an install token", code: "CERTIFICATE_NOT_FOUND")

    static func caRefused(status: Int) -> AppError {
        .serviceUnavailable("the certificate authority refused (HTTP \(status))", code: "CA_UNAVAILABLE")
    }
}
