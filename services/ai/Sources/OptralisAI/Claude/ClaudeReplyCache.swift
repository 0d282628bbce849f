import Crypto
import Foundation
import Logging
import OptralisCore
import OptralisRedis

/// Claude's replies kept in Redis for `AI_CACHE_TTL_MINUTES`, keyed by the SHA-256 of the exact
/// request body (model, max tokens, system prompt, messages): the same statistics asked about
/// twice — by two replicas, a routine and a user, a retried request — are paid for once. A reply
/// depends on nothing but that body, so the key is the whole identity. Redis down or an
/// unreadable entry is a miss, never an error.
struct ClaudeReplyCache: Sendable {
    let redis: RedisClient
    let ttlSeconds: Int
    let logger: Logger

    static let prefix = "ai:claude:"

    static func key(requestBody: [UInt8]) -> String {
        prefix + SHA256.hash(data: requestBody).hexString
    }

    func reply(key: String) async -> ClaudeReply? {
        do {
            guard let stored = try await redis.get(key) else { return nil }
            guard let reply = try? JSONDecoder().decode(ClaudeReply.self, from: Data(stored.utf8)) else {
                logger.warning("unreadable cached Claude reply ignored", metadata: ["key": "\(key)"])
                return nil
            }
            return reply
        } catch {
            logger.warning("Claude reply cache unavailable", metadata: ["error": "\(error)"])
            return nil
        }
    }

    func store(_ reply: ClaudeReply, key: String) async {
        do {
            let json = String(decoding: try JSONEncoder().encode(reply), as: UTF8.self)
            try await redis.set(key, json, expireSeconds: ttlSeconds)
        } catch {
            logger.warning("Claude reply not cached", metadata: ["error": "\(error)"])
        }
    }
}
