import Foundation
import Logging
import OptralisRedis
import PostgresNIO

/// Whether a presented agent certificate is the machine's current one: Redis
/// `cert:revoked:<serial>` ("1" revoked or superseded, "0" good; 5 minutes) over PostgreSQL.
/// Revocations and restores made through the api delete the entry at once; `refresh-cache`
/// drops them all. With Redis down, PostgreSQL answers every request.
struct CertificateStatusCache: Sendable {
    static let ttlSeconds = 300
    let redis: RedisClient?
    let client: PostgresClient
    let logger: Logger

    static func key(_ serial: String) -> String { "cert:revoked:\(serial)" }

    func isCurrent(serial: String, clientID: UUID, machineID: UUID) async throws -> Bool {
        if let redis, let cached = try? await redis.get(Self.key(serial)) { return cached == "0" }
        let active = try await client.query(
            """
            SELECT count(*)::int FROM client_certificates
            WHERE serial = \(serial) AND machine_id = \(machineID) AND client_id = \(clientID) AND revoked_at IS NULL AND expires_at > now()
            """, logger: logger
        ).decode(Int.self).reduce(0, +) == 1
        try? await redis?.set(Self.key(serial), active ? "0" : "1", expireSeconds: Self.ttlSeconds)
        return active
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
