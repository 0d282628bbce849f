import Foundation
import OptralisCore

/// TOTP set-up, activation and removal for the caller's own account.
struct MFAService: Sendable {
    let users: UserStore
    let mfa: MFAStore
    let hasher: PasswordHasher
    let activity: ActivityLogger
    let auth: AuthService

    static let backupCodeCount = 10

    struct Setup: Codable, Sendable {
        let secret: String
        let qrCodeURL: String
        let backupCodes: [String]
        enum CodingKeys: String, CodingKey { case secret, qrCodeURL = "qr_code_url", backupCodes = "backup_codes" }
    }

    struct Status: Codable, Sendable {
        let enabled: Bool
        let verifiedAt: Date?
        let backupCodesLeft: Int
        enum CodingKeys: String, CodingKey { case enabled, verifiedAt = "verified_at", backupCodesLeft = "backup_codes_left" }
    }

    func setup(_ identity: Identity) async throws -> Setup {
        guard let user = try await users.find(id: identity.userID) else { throw APIError.notAuthenticated }
        guard !user.mfaEnabled else { throw AuthError.mfaAlreadyEnabled }
        let secret = Base32.encode(SecureToken.randomBytes(20))
        let codes = (0..<Self.backupCodeCount).map { _ in SecureToken.digits(8) }
        try await mfa.beginSetup(userID: user.id, secret: secret, backupCodeHashes: codes.map(auth.secondFactor.backupCodeHash))
        return Setup(secret: secret, qrCodeURL: TOTP.provisioningURL(secret: secret, account: user.email), backupCodes: codes)
    }

    func verify(_ identity: Identity, code: String) async throws {
        guard let user = try await users.find(id: identity.userID) else { throw APIError.notAuthenticated }
        guard !user.mfaEnabled else { throw AuthError.mfaAlreadyEnabled }
        guard user.mfaSecret.flatMap(Base32.decode) != nil else {
            throw AuthError.mfaSetupNotFound
        }
        guard try await auth.secondFactor.accept(code, for: user, backupCodes: false) else {
            throw AuthError.invalidMFACode
        }
        try await mfa.enable(userID: user.id)
        await activity.record(.user, "MFA activé", clientID: user.clientID, userID: user.id)
    }

    /// Needs the password and a current TOTP code or a backup code: a stolen session, or a
    /// password alone, cannot remove the second factor.
    func disable(_ identity: Identity, password: String, code: String?) async throws {
        guard !password.isEmpty else { throw APIError.validation("password is required") }
        guard let user = try await users.find(id: identity.userID) else { throw APIError.notAuthenticated }
        guard user.mfaEnabled else { throw AuthError.mfaNotEnabled }
        guard let code = code?.trimmingCharacters(in: .whitespaces), !code.isEmpty else {
            throw AuthError.mfaCodeRequired
        }
        guard try await hasher.verify(password, hash: user.passwordHash) else {
            throw AuthError.incorrectPassword
        }
        guard try await auth.secondFactor.accept(code, for: user) else {
            throw AuthError.usedMFACode
        }
        try await mfa.disable(userID: user.id)
        await activity.record(.user, "MFA désactivé", level: .warn, clientID: user.clientID, userID: user.id)
    }

    func status(_ identity: Identity) async throws -> Status {
        guard let user = try await users.find(id: identity.userID) else { throw APIError.notAuthenticated }
        let left = user.mfaEnabled ? try await mfa.unusedBackupCodes(userID: user.id) : 0
        return Status(enabled: user.mfaEnabled, verifiedAt: user.mfaEnabledAt, backupCodesLeft: left)
    }
}
