import OptralisCore

/// The errors of the agent versions' administration: the catalogue, its files and the Windows builds feeds.
enum AgentVersionError {
    static let activeVersionRequired = AppError.validation("deactivate a version by activating another one, or delete it", code: "ACTIVE_VERSION_REQUIRED")

    static func checksumMismatch(actual sha256: String) -> AppError {
        .validation("checksum_sha256 does not match the file (\(sha256))", code: "CHECKSUM_MISMATCH")
    }
    static func exists(version: String, channel: String, platform: String, architecture: String) -> AppError {
        .conflict("version \(version) already exists for \(channel)/\(platform)/\(architecture)", code: "VERSION_EXISTS")
    }
    static func alreadyStable(version: String) -> AppError {
        .validation("version \(version) is already on the stable channel", code: "ALREADY_STABLE")
    }
    static func fileNotFound(_ relative: String) -> AppError {
        .validation("no file \(relative) in the downloads directory", code: "FILE_NOT_FOUND")
    }
    static func signatureMissing(_ relativePath: String) -> AppError {
        .validation("no signature \(relativePath).sig beside the file: sign the build (optralis-ca sign-agent) and copy its .sig", code: "SIGNATURE_MISSING")
    }
    static func signatureInvalid(_ relativePath: String) -> AppError {
        .validation("\(relativePath).sig is not one line of base64 of 64 bytes", code: "SIGNATURE_INVALID")
    }
    static func downloadsUnwritable(_ path: String) -> AppError { .serviceUnavailable("cannot write \(path)", code: "DOWNLOADS_UNWRITABLE") }
    static func feedUnreachable(_ url: String, _ error: any Error) -> AppError { .badGateway("\(url) is unreachable: \(error)", code: "FEED_UNAVAILABLE") }
    static func feedStatus(_ url: String, _ status: Int) -> AppError { .badGateway("\(url) answered HTTP \(status)", code: "FEED_UNAVAILABLE") }
    static func feedInvalid(_ error: any Error) -> AppError { .badGateway("\(error)", code: "FEED_INVALID") }
}
