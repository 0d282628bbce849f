import OptralisCore

/// The errors of APM applications (the OTLP receivers' are ``OTLPError``).
enum APMError {
    static func exists(_ name: String) -> AppError { .conflict("an application named \"\(name)\" exists", code: "APPLICATION_EXISTS") }
    static func limit(_ limit: Int) -> AppError {
        .forbidden(
            "this licence monitors at most \(limit) application\(limit == 1 ? "" : "s") (Business: \(APMPolicy.businessApplications), Enterprise: unlimited)",
            code: "APM_APPLICATION_LIMIT")
    }
    static let ingestKeyRequired = AppError.unauthorized(
        "an APM ingest key is required (Authorization: Bearer oapm_… or x-optralis-key)", code: "INVALID_INGEST_KEY")
    static func unsupportedEncoding(_ coding: String) -> AppError {
        .badRequest("Content-Encoding \(coding) is not accepted: send the body compressed with gzip or deflate, or uncompressed", code: "UNSUPPORTED_ENCODING")
    }
    static let invalidCompressedBody = AppError.badRequest("the body is not a complete gzip (or deflate) stream", code: "INVALID_COMPRESSED_BODY")
    static let inflatedTooLarge = AppError(
        status: 413, code: "PAYLOAD_TOO_LARGE", message: "the body inflates to more than \(OTLPLimits.maximumBody / 1_048_576) MiB")
    static let unsupportedMediaType = AppError.badRequest("Content-Type must be application/x-protobuf or application/json", code: "UNSUPPORTED_MEDIA_TYPE")
}
