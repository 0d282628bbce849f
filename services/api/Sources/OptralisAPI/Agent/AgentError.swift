import OptralisCore

/// The agent port's errors (spec "Authentification Agent mTLS", "POST /agent/certificate/renew", "POST /agent/collect").
enum AgentError {
    static let unauthenticated = AppError.unauthorized("a client certificate is required", code: "MTLS_REQUIRED")
    static let legacy = AppError.unauthorized("certificate CN must be client_id:machine_id", code: "CERTIFICATE_LEGACY")
    static let revoked = AppError.forbidden("certificate revoked", code: "CERTIFICATE_REVOKED")
    static let renewalTooEarly = AppError.badRequest("the certificate does not expire within 30 days", code: "RENEWAL_TOO_EARLY")
    static let invalidJSON = AppError.badRequest("the body is not valid JSON", code: "INVALID_JSON")
    static let invalidSequence = AppError.validation("sequence must be a positive integer", code: "INVALID_PAYLOAD")

    static func invalidPayload(_ message: String) -> AppError { .badRequest(message, code: "INVALID_PAYLOAD") }
    static func unknownCollector(_ name: String) -> AppError {
        .badRequest(
            "unknown collector \"\(name)\"; expected one of \(CollectKind.allCases.map(\.rawValue).joined(separator: ", "))",
            code: "UNKNOWN_COLLECTOR")
    }
}
