import Foundation
import Logging
import OptralisPostgres
import PostgresNIO

/// The TOTP secret and backup codes of a user.
struct MFAStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    /// Stores a pending secret (MFA not yet enabled) and replaces the backup codes.
    func beginSetup(userID: UUID, secret: String, backupCodeHashes: [String]) async throws {
        try await database.transaction(logger: logger) { connection in
            try await connection.query(
                "UPDATE users SET mfa_secret = \(secret), updated_at = now() WHERE id = \(userID) AND NOT mfa_enabled", logger: logger)
            try await connection.query("DELETE FROM user_backup_codes WHERE user_id = \(userID)", logger: logger)
            try await connection.query(
                "INSERT INTO user_backup_codes (user_id, code_hash) SELECT \(userID), unnest(\(backupCodeHashes)::text[])", logger: logger)
        }
    }

    func enable(userID: UUID) async throws {
        try await database.query(
            "UPDATE users SET mfa_enabled = true, mfa_enabled_at = now(), updated_at = now() WHERE id = \(userID)", logger: logger)
    }

    func disable(userID: UUID) async throws {
        try await database.transaction(logger: logger) { connection in
            try await connection.query(
                "UPDATE users SET mfa_enabled = false, mfa_secret = NULL, mfa_enabled_at = NULL, updated_at = now() WHERE id = \(userID)",
                logger: logger)
            try await connection.query("DELETE FROM user_backup_codes WHERE user_id = \(userID)", logger: logger)
        }
    }

    /// Records `step` as the user's last accepted TOTP step; false when that step or a later
    /// one was already used (a replayed code), in one atomic update.
    func useStep(userID: UUID, step: UInt64) async throws -> Bool {
        let step = Int64(step)
        let rows = try await database.query(
            """
            UPDATE users SET mfa_last_step = \(step)
            WHERE id = \(userID) AND (mfa_last_step IS NULL OR mfa_last_step < \(step)) RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// Uses a backup code up; false when it is not one of the user's unused codes.
    func consumeBackupCode(userID: UUID, codeHash: String) async throws -> Bool {
        let rows = try await database.query(
            """
            UPDATE user_backup_codes SET used_at = now()
            WHERE user_id = \(userID) AND code_hash = \(codeHash) AND used_at IS NULL RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    func unusedBackupCodes(userID: UUID) async throws -> Int {
        try await database.query(
            "SELECT count(*) FROM user_backup_codes WHERE user_id = \(userID) AND used_at IS NULL", logger: logger
        ).decode(Int.self).reduce(0, +)
    }
}
