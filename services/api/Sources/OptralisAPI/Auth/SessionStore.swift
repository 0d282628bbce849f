import Foundation
import OptralisCore
import Logging
import OptralisPostgres
import PostgresNIO

/// Refresh tokens (one family per login, rotated on every refresh) and the short-lived MFA
/// sessions between a password and a TOTP code.
struct SessionStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct RefreshToken: Sendable {
        let id: UUID
        let userID: UUID
        let familyID: UUID
        let rotationCount: Int
        let isRevoked: Bool
        let revokedReason: String?
        let expiresAt: Date
        let createdAt: Date
    }

    /// `created_at` takes this process's clock, like `users.tokens_valid_after` it is compared with.
    func insertRefresh(userID: UUID, familyID: UUID, tokenHash: String, rotationCount: Int, ip: String?, userAgent: String?) async throws {
        try await database.query(
            """
            INSERT INTO refresh_tokens (user_id, family_id, token_hash, rotation_count, ip_address, user_agent, created_at)
            VALUES (\(userID), \(familyID), \(tokenHash), \(rotationCount), \(ip), \(userAgent.map { $0.clipped(toCodePoints: 512) }), \(Date()))
            """, logger: logger)
    }

    func findRefresh(tokenHash: String) async throws -> RefreshToken? {
        let rows = try await database.query(
            """
            SELECT id, user_id, family_id, rotation_count, is_revoked, revoked_reason, expires_at, created_at
            FROM refresh_tokens WHERE token_hash = \(tokenHash)
            """, logger: logger)
        for try await row in rows.decode((UUID, UUID, UUID, Int, Bool, String?, Date, Date).self) {
            return RefreshToken(
                id: row.0, userID: row.1, familyID: row.2, rotationCount: row.3, isRevoked: row.4, revokedReason: row.5, expiresAt: row.6,
                createdAt: row.7)
        }
        return nil
    }

    /// Marks one token used; false when another request already did (a concurrent reuse).
    func consumeRefresh(id: UUID) async throws -> Bool {
        let rows = try await database.query(
            """
            UPDATE refresh_tokens SET is_revoked = true, revoked_at = now(), revoked_reason = 'rotated', last_used_at = now()
            WHERE id = \(id) AND NOT is_revoked RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    func revokeFamily(_ familyID: UUID, reason: String) async throws {
        try await database.query(
            "UPDATE refresh_tokens SET is_revoked = true, revoked_at = now(), revoked_reason = \(reason) WHERE family_id = \(familyID) AND NOT is_revoked",
            logger: logger)
    }

    /// Ends everything a password gave access to: every refresh token, every MFA session in
    /// progress and every unused reset link of the user (their access tokens end through
    /// `users.tokens_valid_after`).
    func endSessions(userID: UUID, reason: String) async throws {
        try await database.transaction(logger: logger) { connection in
            try await connection.query(
                "UPDATE refresh_tokens SET is_revoked = true, revoked_at = now(), revoked_reason = \(reason) WHERE user_id = \(userID) AND NOT is_revoked",
                logger: logger)
            try await connection.query("UPDATE mfa_sessions SET used_at = now() WHERE user_id = \(userID) AND used_at IS NULL", logger: logger)
            try await connection.query("UPDATE password_reset_tokens SET used_at = now() WHERE user_id = \(userID) AND used_at IS NULL", logger: logger)
        }
    }

    // MARK: MFA sessions (5 minutes, 5 attempts, single use)

    func insertMFASession(userID: UUID, tokenHash: String, ip: String?, userAgent: String?) async throws {
        try await database.query(
            "INSERT INTO mfa_sessions (user_id, token_hash, ip_address, user_agent) VALUES (\(userID), \(tokenHash), \(ip), \(userAgent.map { $0.clipped(toCodePoints: 512) }))",
            logger: logger)
    }

    /// Counts an attempt on a live session and returns its user; nil when unknown, expired,
    /// used or out of attempts.
    func attemptMFASession(tokenHash: String) async throws -> (sessionID: UUID, userID: UUID)? {
        let rows = try await database.query(
            """
            UPDATE mfa_sessions SET attempts = attempts + 1
            WHERE token_hash = \(tokenHash) AND used_at IS NULL AND expires_at > now() AND attempts < 5
            RETURNING id, user_id
            """, logger: logger)
        for try await row in rows.decode((UUID, UUID).self) { return (row.0, row.1) }
        return nil
    }

    func completeMFASession(id: UUID) async throws {
        try await database.query("UPDATE mfa_sessions SET used_at = now() WHERE id = \(id)", logger: logger)
    }

    // MARK: Password reset tokens (1 hour, single use)

    func insertResetToken(userID: UUID, tokenHash: String, ip: String?) async throws {
        try await database.query(
            "INSERT INTO password_reset_tokens (user_id, token_hash, ip_address) VALUES (\(userID), \(tokenHash), \(ip))", logger: logger)
    }

    /// The user of a valid reset token, without using it up.
    func peekResetToken(tokenHash: String) async throws -> UUID? {
        let rows = try await database.query(
            "SELECT user_id FROM password_reset_tokens WHERE token_hash = \(tokenHash) AND used_at IS NULL AND expires_at > now()", logger: logger)
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }

    /// Uses a reset token up; nil when it is unknown, expired or already used.
    func consumeResetToken(tokenHash: String) async throws -> UUID? {
        let rows = try await database.query(
            """
            UPDATE password_reset_tokens SET used_at = now()
            WHERE token_hash = \(tokenHash) AND used_at IS NULL AND expires_at > now() RETURNING user_id
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }
}
