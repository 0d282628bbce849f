import Foundation
import OptralisCore
import Logging
import OptralisRedis
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Revoked access tokens. The database table is the record (and the fallback while Redis is
/// down); Redis answers the per-request check in O(1) with a TTL equal to the token's
/// remaining life. An entry Redis missed while it was down is pushed again once it is back,
/// by ``TokenBlacklist/run()`` (a service of the api's group).
final class TokenBlacklist: Service, Sendable {
    let redis: RedisClient?
    let database: PostgresClient
    let logger: Logger
    private let pending = Mutex<[(id: String, expiresAt: Date)]>([])

    init(redis: RedisClient?, database: PostgresClient, logger: Logger) {
        self.redis = redis
        self.database = database
        self.logger = logger
    }

    static func key(_ tokenID: String) -> String { "blacklist:\(tokenID)" }

    func revoke(tokenID: String, userID: UUID?, expiresAt: Date, reason: String, ip: String?, userAgent: String?) async throws {
        try await database.query(
            """
            INSERT INTO token_blacklist (jti, user_id, reason, ip_address, user_agent, expires_at)
            VALUES (\(tokenID), \(userID), \(reason), \(ip), \(userAgent.map { $0.clipped(toCodePoints: 512) }), \(expiresAt))
            ON CONFLICT (jti) DO NOTHING
            """, logger: logger)
        if await !pushToRedis(tokenID: tokenID, expiresAt: expiresAt) {
            pending.withLock { $0.append((tokenID, expiresAt)) }
        }
    }

    /// Redis first; the database when Redis cannot answer, so authentication keeps working.
    func isRevoked(tokenID: String) async throws -> Bool {
        if let redis {
            do {
                return try await redis.get(Self.key(tokenID)) != nil
            } catch {
                logger.warning("blacklist check falls back to PostgreSQL", metadata: ["error": "\(error)"])
            }
        }
        return try await database.query(
            "SELECT count(*) FROM token_blacklist WHERE jti = \(tokenID)", logger: logger
        ).decode(Int.self).reduce(0, +) > 0
    }

    private func pushToRedis(tokenID: String, expiresAt: Date) async -> Bool {
        guard let redis else { return true }
        let ttl = Int(expiresAt.timeIntervalSinceNow.rounded(.up))
        guard ttl > 0 else { return true }
        do {
            try await redis.set(Self.key(tokenID), "1", expireSeconds: ttl)
            return true
        } catch {
            logger.warning("blacklist entry kept for Redis's return", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Retries the entries Redis missed, every second, until shutdown.
    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .seconds(1))
            let waiting = pending.withLock { entries in
                defer { entries.removeAll() }
                return entries
            }
            for entry in waiting where await !pushToRedis(tokenID: entry.id, expiresAt: entry.expiresAt) {
                pending.withLock { $0.append(entry) }
            }
        }
    }
}
