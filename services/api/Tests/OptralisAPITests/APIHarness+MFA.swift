import Foundation
@testable import OptralisAPI
import Testing

extension APIHarness {
    /// The harness's `JWT_SECRET`, which keys the backup codes' HMAC.
    static let jwtSecret = String(repeating: "s", count: 48)

    /// Turns MFA on in SQL (no code used up) with one backup code; returns the TOTP and that code.
    func enableMFA(_ userID: UUID) async throws -> (totp: TOTP, backupCode: String) {
        let secret = Base32.encode(SecureToken.randomBytes(20))
        let backup = SecureToken.digits(8)
        let backupHash = SecureToken.hmacHex(backup, key: Self.jwtSecret)
        try await sql("UPDATE users SET mfa_secret = \(secret), mfa_enabled = true, mfa_enabled_at = now() WHERE id = \(userID)")
        try await sql("INSERT INTO user_backup_codes (user_id, code_hash) VALUES (\(userID), \(backupHash))")
        return (TOTP(secret: try #require(Base32.decode(secret))), backup)
    }

    /// Password then code: the reply of `/auth/mfa/verify`.
    func loginWithMFA(_ email: String, code: String, ip: String? = nil) async throws -> Reply {
        let first = try await send(.post, "/auth/login", json: ["email": email, "password": APIHarness.password], ip: ip)
        let session = try #require(first.string("mfa_session_id"), "no MFA session: \(first.text)")
        return try await send(.post, "/auth/mfa/verify", json: ["mfa_session_id": session, "code": code], ip: ip)
    }
}

extension TOTP {
    /// A 6-digit code that is none of the codes accepted now (the current step and one either side).
    func wrongCode(at date: Date = Date()) -> String {
        let accepted = Set([-30.0, 0, 30].map { code(at: date.addingTimeInterval($0)) })
        return ["000000", "111111", "222222", "333333"].first { !accepted.contains($0) }!
    }
}
