import Foundation
import Logging
import OptralisRedis
import PostgresNIO

/// Whether a presented agent certificate may still be used: Redis `cert:revoked:<serial>` ("1"
/// refused, "0" good; 5 minutes at most) over PostgreSQL.
///
/// A certificate superseded by an agent's renewal keeps working until its `grace_until` (24 h,
/// the spec's soft-revoke), so an agent that lost its new files before saving them can still call
/// in and renew again. Only the ca's renewal writes `grace_until`, and any revocation of the
/// machine clears it: an admin revocation, whatever its reason, and a re-enrolment get no grace.
/// A cached "0" never outlives the grace. Revocations, restores and machine deletions made
/// through the api delete the entries at once; `refresh-cache` drops them all. With Redis down,
/// PostgreSQL answers.
struct CertificateStatusCache: Sendable {
    static let ttlSeconds = 300
    let redis: RedisClient?
    let client: PostgresClient
    let logger: Logger

    static func key(_ serial: String) -> String { "cert:revoked:\(serial)" }

    func isCurrent(serial: String, clientID: UUID, machineID: UUID) async throws -> Bool {
        if let redis, let cached = try? await redis.get(Self.key(serial)) { return cached == "0" }
        // Seconds this certificate stays acceptable, capped at the cache TTL; no row: refused.
        let remaining = try await client.query(
            """
            SELECT LEAST(\(Self.ttlSeconds), EXTRACT(EPOCH FROM LEAST(c.expires_at, COALESCE(c.grace_until, c.expires_at)) - now()))::int
            FROM client_certificates c JOIN machines m ON m.id = c.machine_id AND m.client_id = c.client_id
            WHERE c.serial = \(serial) AND c.machine_id = \(machineID) AND c.client_id = \(clientID) AND c.expires_at > now()
              AND (c.revoked_at IS NULL OR c.grace_until > now())
            """, logger: logger
        ).decode(Int.self).reduce(into: [Int]()) { $0.append($1) }.first
        let goodFor = remaining.flatMap { $0 > 0 ? $0 : nil }
        try? await redis?.set(Self.key(serial), goodFor == nil ? "1" : "0", expireSeconds: goodFor ?? Self.ttlSeconds)
        return goodFor != nil
    }

    func invalidate(serials: [String]) async {
        _ = try? await redis?.delete(serials.map(Self.key))
    }

    /// Drops every cached status; returns how many entries went.
    func clear() async throws -> Int {
        guard let redis else { return 0 }
        let keys = try await redis.scanKeys(matching: "cert:revoked:*")
        return try await redis.delete(keys)
    }
}
