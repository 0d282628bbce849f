import Foundation

/// Checks a user's second factor: a TOTP code, or one of the unused backup codes. A TOTP code
/// works once: its time step is recorded, and no code of that step or an earlier one is
/// accepted again (RFC 6238 §5.2), whichever check used it (login, MFA removal, activation).
struct SecondFactor: Sendable {
    let mfa: MFAStore
    /// Keys the backup codes' HMAC (`JWT_SECRET`).
    let backupCodeKey: String

    func backupCodeHash(_ code: String) -> String {
        SecureToken.hmacHex(code, key: backupCodeKey)
    }

    /// Uses `code` up; false when it is wrong, already used, or the user has no secret.
    func accept(_ code: String, for user: UserRecord, backupCodes: Bool = true) async throws -> Bool {
        let trimmed = code.trimmingCharacters(in: .whitespaces)
        guard let secret = user.mfaSecret.flatMap(Base32.decode) else { return false }
        if let step = TOTP(secret: secret).matchingStep(trimmed) {
            return try await mfa.useStep(userID: user.id, step: step)
        }
        guard backupCodes, trimmed.count == 8 else { return false }
        return try await mfa.consumeBackupCode(userID: user.id, codeHash: backupCodeHash(trimmed))
    }
}
