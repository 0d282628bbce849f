import Foundation
import Logging
import OptralisPostgres
import PostgresNIO

/// `install_tokens`: short-lived enrolment tokens, stored as SHA-256 only (their use is in
/// ``EnrolmentStore``, in the enrolment's transaction).
struct InstallTokenStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Token: Codable, Sendable {
        let id: UUID
        let name: String
        let platform: String
        let expiresAt: Date
        let maxUsage: Int
        let usageCount: Int
        let allowReenrolment: Bool
        let createdAt: Date
        enum CodingKeys: String, CodingKey {
            case id, name, platform, expiresAt = "expires_at", maxUsage = "max_usage", usageCount = "usage_count", createdAt = "created_at"
            case allowReenrolment = "allow_reenrolment"
        }
    }

    func insert(
        clientID: UUID, tokenHash: String, name: String, platform: String, minutes: Int, maxUsage: Int, allowReenrolment: Bool, createdBy: UUID
    ) async throws -> Token {
        for try await row in try await database.query(
            """
            INSERT INTO install_tokens (client_id, token_hash, name, platform, expires_at, max_usage, allow_reenrolment, created_by)
            VALUES (\(clientID), \(tokenHash), \(name), \(platform), now() + \(minutes) * INTERVAL '1 minute', \(maxUsage), \(allowReenrolment), \(createdBy))
            RETURNING id, name, platform, expires_at, max_usage, usage_count, allow_reenrolment, created_at
            """, logger: logger
        ).decode((UUID, String, String, Date, Int, Int, Bool, Date).self) {
            return Token(
                id: row.0, name: row.1, platform: row.2, expiresAt: row.3, maxUsage: row.4, usageCount: row.5, allowReenrolment: row.6, createdAt: row.7)
        }
        throw APIError.notFound("install token")
    }

    /// The client's tokens still usable: not revoked, not expired, not used up.
    func active(clientID: UUID) async throws -> [Token] {
        try await database.query(
            """
            SELECT id, name, platform, expires_at, max_usage, usage_count, allow_reenrolment, created_at FROM install_tokens
            WHERE client_id = \(clientID) AND revoked_at IS NULL AND expires_at > now() AND (max_usage = 0 OR usage_count < max_usage)
            ORDER BY created_at DESC
            """, logger: logger
        ).decode((UUID, String, String, Date, Int, Int, Bool, Date).self).reduce(into: [Token]()) {
            $0.append(
                Token(
                    id: $1.0, name: $1.1, platform: $1.2, expiresAt: $1.3, maxUsage: $1.4, usageCount: $1.5, allowReenrolment: $1.6, createdAt: $1.7))
        }
    }

    func revoke(id: UUID, clientID: UUID) async throws -> Bool {
        let rows = try await database.query(
            "UPDATE install_tokens SET revoked_at = COALESCE(revoked_at, now()), updated_at = now() WHERE id = \(id) AND client_id = \(clientID) RETURNING id",
            logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }
}
