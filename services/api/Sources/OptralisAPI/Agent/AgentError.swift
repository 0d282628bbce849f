import OptralisCore

/// The agent port's errors (spec "Authentification Agent mTLS", "POST /agent/certificate/renew").
enum AgentError {
    static let unauthenticated = AppError.unauthorized("a client certificate is required", code: "MTLS_REQUIRED")
    static let legacy = AppError.unauthorized("certificate CN must be client_id:machine_id", code: "CERTIFICATE_LEGACY")
    static let revoked = AppError.forbidden("certificate revoked", code: "CERTIFICATE_REVOKED")
    static let renewalTooEarly = AppError.badRequest("the certificate does not expire within 30 days", code: "RENEWAL_TOO_EARLY")
}
