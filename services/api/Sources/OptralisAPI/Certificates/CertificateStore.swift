import Foundation
import Logging
import PostgresNIO

/// Reads of `client_certificates` for the admin routes (the ca writes them).
struct CertificateStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    static let statuses = ["valid", "expiring_soon", "expiring", "expired", "revoked"]
    /// The spec's computed status ("Calcul du statut certificat").
    static let statusSQL = """
        CASE WHEN cc.revoked_at IS NOT NULL THEN 'revoked' WHEN cc.expires_at <= now() THEN 'expired'
             WHEN cc.expires_at < now() + INTERVAL '7 days' THEN 'expiring' WHEN cc.expires_at < now() + INTERVAL '30 days' THEN 'expiring_soon'
             ELSE 'valid' END
        """

    struct Entry: Codable, Sendable {
        let id: UUID
        let clientID: UUID
        let clientName: String
        let machineID: UUID?
        let machineHostname: String?
        let serial: String
        let issuedAt: Date
        let expiresAt: Date
        let revokedAt: Date?
        let revocationReason: String
        let status: String
        enum CodingKeys: String, CodingKey {
            case id, serial, status
            case clientID = "client_id", clientName = "client_name", machineID = "machine_id", machineHostname = "machine_hostname"
            case issuedAt = "issued_at", expiresAt = "expires_at", revokedAt = "revoked_at", revocationReason = "revocation_reason"
        }
    }

    func search(status: String?, clientID: UUID?, search: String?, limit: Int, offset: Int) async throws -> (entries: [Entry], total: Int) {
        let pattern = search.map { "%\($0)%" }
        let rows = try await database.query(
            """
            SELECT count(*) OVER ()::int, cc.id, cc.client_id, c.name, cc.machine_id, m.hostname, cc.serial, cc.issued_at, cc.expires_at, cc.revoked_at,
                   COALESCE(cc.revocation_reason, ''), \(unescaped: Self.statusSQL)
            FROM client_certificates cc JOIN clients c ON c.id = cc.client_id LEFT JOIN machines m ON m.id = cc.machine_id
            WHERE (\(clientID)::uuid IS NULL OR cc.client_id = \(clientID))
              AND (\(pattern)::text IS NULL OR m.hostname ILIKE \(pattern) OR cc.serial ILIKE \(pattern))
              AND (\(status)::text IS NULL OR \(unescaped: Self.statusSQL) = \(status))
            ORDER BY cc.issued_at DESC LIMIT \(limit) OFFSET \(offset)
            """, logger: logger)
        var entries: [Entry] = []
        var total = 0
        for try await row in rows.decode((Int, UUID, UUID, String, UUID?, String?, String, Date, Date, Date?, String, String).self) {
            total = row.0
            entries.append(
                Entry(
                    id: row.1, clientID: row.2, clientName: row.3, machineID: row.4, machineHostname: row.5, serial: row.6, issuedAt: row.7,
                    expiresAt: row.8, revokedAt: row.9, revocationReason: row.10, status: row.11))
        }
        return (entries, total)
    }

    func stats() async throws -> [String: Int] {
        var counts = Dictionary(uniqueKeysWithValues: Self.statuses.map { ($0, 0) })
        for try await (status, count) in try await database.query(
            "SELECT \(unescaped: Self.statusSQL), count(*)::int FROM client_certificates cc GROUP BY 1", logger: logger
        ).decode((String, Int).self) { counts[status] = count }
        counts["total"] = counts.values.reduce(0, +)
        return counts
    }

    /// Deletes expired and revoked certificates; active ones stay.
    func purgeInactive() async throws -> Int {
        try await database.query(
            """
            WITH deleted AS (DELETE FROM client_certificates WHERE revoked_at IS NOT NULL OR expires_at <= now() RETURNING 1)
            SELECT count(*)::int FROM deleted
            """, logger: logger
        ).decode(Int.self).reduce(0, +)
    }

    /// The active certificate of a machine of this client.
    func activeSerial(machineID: UUID, clientID: UUID) async throws -> String? {
        for try await serial in try await database.query(
            "SELECT serial FROM client_certificates WHERE machine_id = \(machineID) AND client_id = \(clientID) AND revoked_at IS NULL AND expires_at > now()",
            logger: logger
        ).decode(String.self) { return serial }
        return nil
    }

    /// The machine's certificates the gateway still accepts: the active one, one in its renewal grace.
    func liveSerials(machineID: UUID, clientID: UUID) async throws -> [String] {
        try await database.query(
            """
            SELECT serial FROM client_certificates WHERE machine_id = \(machineID) AND client_id = \(clientID) AND expires_at > now()
              AND (revoked_at IS NULL OR grace_until > now())
            """, logger: logger
        ).decode(String.self).reduce(into: []) { $0.append($1) }
    }

    /// Asks the machine's agent to renew its certificate at its next heartbeat; when it was asked
    /// first, or nil when the machine has no active certificate to renew with.
    func requestRenewal(machineID: UUID, clientID: UUID) async throws -> Date? {
        for try await at in try await database.query(
            """
            UPDATE machines m SET cert_renewal_requested_at = COALESCE(m.cert_renewal_requested_at, now())
            WHERE m.id = \(machineID) AND m.client_id = \(clientID) AND EXISTS (
                SELECT 1 FROM client_certificates c WHERE c.machine_id = m.id AND c.revoked_at IS NULL AND c.expires_at > now())
            RETURNING m.cert_renewal_requested_at
            """, logger: logger
        ).decode(Date.self) { return at }
        return nil
    }

    /// Whether an admin asked this machine to renew its certificate (and no certificate was issued since).
    func renewalRequested(machineID: UUID, clientID: UUID) async throws -> Bool {
        try await database.query(
            "SELECT count(*)::int FROM machines WHERE id = \(machineID) AND client_id = \(clientID) AND cert_renewal_requested_at IS NOT NULL",
            logger: logger
        ).decode(Int.self).reduce(0, +) == 1
    }

    /// Every certificate serial of a machine of this client, superseded ones included.
    func serials(machineID: UUID, clientID: UUID) async throws -> [String] {
        try await database.query("SELECT serial FROM client_certificates WHERE machine_id = \(machineID) AND client_id = \(clientID)", logger: logger)
            .decode(String.self).reduce(into: []) { $0.append($1) }
    }

    func machineExists(id: UUID, clientID: UUID) async throws -> Bool {
        try await database.query("SELECT count(*)::int FROM machines WHERE id = \(id) AND client_id = \(clientID)", logger: logger)
            .decode(Int.self).reduce(0, +) == 1
    }
}
