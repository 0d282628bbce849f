import Foundation
import OptralisCore

/// TOTP set-up, activation and removal for the caller's own account.
struct MFAService: Sendable {
    let users: UserRepository
    let mfa: MFARepository
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
        guard !user.mfaEnabled else { throw AppError.badRequest("MFA is already enabled", code: "MFA_ALREADY_ENABLED") }
        let secret = Base32.encode(SecureToken.randomBytes(20))
        let codes = (0..<Self.backupCodeCount).map { _ in SecureToken.digits(8) }
        try await mfa.beginSetup(userID: user.id, secret: secret, backupCodeHashes: codes.map(auth.secondFactor.backupCodeHash))
        return Setup(secret: secret, qrCodeURL: TOTP.provisioningURL(secret: secret, account: user.email), backupCodes: codes)
    }

    func verify(_ identity: Identity, code: String) async throws {
        guard let user = try await users.find(id: identity.userID) else { throw APIError.notAuthenticated }
        guard !user.mfaEnabled else { throw AppError.badRequest("MFA is already enabled", code: "MFA_ALREADY_ENABLED") }
        guard user.mfaSecret.flatMap(Base32.decode) != nil else {
            throw AppError.badRequest("no MFA set-up in progress: call /api/users/mfa/setup first", code: "MFA_SETUP_NOT_FOUND")
        }
        guard try await auth.secondFactor.accept(code, for: user, backupCodes: false) else {
            throw AppError.badRequest("invalid code", code: "INVALID_MFA_CODE")
        }
        try await mfa.enable(userID: user.id)
        await activity.record(.user, "MFA activé", clientID: user.clientID, userID: user.id)
    }

    /// Needs the password and a current TOTP code or a backup code: a stolen session, or a
    /// password alone, cannot remove the second factor.
    func disable(_ identity: Identity, password: String, code: String?) async throws {
        guard !password.isEmpty else { throw AppError.badRequest("password is required", code: "VALIDATION_ERROR") }
        guard let user = try await users.find(id: identity.userID) else { throw APIError.notAuthenticated }
        guard user.mfaEnabled else { throw AppError.badRequest("MFA is not enabled", code: "MFA_NOT_ENABLED") }
        guard let code = code?.trimmingCharacters(in: .whitespaces), !code.isEmpty else {
            throw AppError.badRequest("code is required: a current TOTP code or a backup code", code: "MFA_CODE_REQUIRED")
        }
        guard try await hasher.verify(password, hash: user.passwordHash) else {
            throw AppError.unauthorized("password is incorrect", code: "INVALID_PASSWORD")
        }
        guard try await auth.secondFactor.accept(code, for: user) else {
            throw AppError.unauthorized("invalid or already used code", code: "INVALID_MFA_CODE")
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
