import Foundation
import Logging
import OptralisCore
import OptralisPostgres
import PostgresNIO

/// `client_certificates` (one active certificate per machine) and the machine's `cert_*` columns.
struct CertificateStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    struct Record: Sendable {
        let serial: String
        let clientID: UUID
        let machineID: UUID?
        let expiresAt: Date
        let revokedAt: Date?
    }

    func find(serial: String) async throws -> Record? {
        for try await row in try await client.query(
            "SELECT serial, client_id, machine_id, expires_at, revoked_at FROM client_certificates WHERE serial = \(serial)", logger: logger
        ).decode((String, UUID, UUID?, Date, Date?).self) {
            return Record(serial: row.0, clientID: row.1, machineID: row.2, expiresAt: row.3, revokedAt: row.4)
        }
        return nil
    }

    /// How long a certificate superseded by a renewal stays usable (the spec's soft-revoke), so an
    /// agent that lost its new files before saving them can still call in and renew again.
    static let renewalGraceHours = 24

    /// Records a new certificate; the machine's previous active one is revoked (superseded) in
    /// the same transaction, so the one-active-certificate index always holds. Only a `renewal`
    /// leaves the superseded certificate its grace; a re-enrolment cuts it off at once. Any new
    /// certificate answers a pending admin renewal request.
    func record(_ issued: CertificateAuthority.Issued, clientID: UUID, machineID: UUID, createdBy: UUID?, renewal: Bool) async throws {
        try await client.transaction(logger: logger) { connection in
            let machines = try await connection.query(
                "SELECT count(*)::int FROM machines WHERE id = \(machineID) AND client_id = \(clientID)", logger: logger
            ).decode(Int.self).reduce(0, +)
            guard machines == 1 else { throw AppError.notFound("machine \(machineID) of client \(clientID) not found", code: "MACHINE_NOT_FOUND") }
            // Only the certificate this renewal supersedes has a grace; any earlier one ends now.
            try await connection.query(
                "UPDATE client_certificates SET grace_until = NULL WHERE machine_id = \(machineID) AND grace_until IS NOT NULL", logger: logger)
            try await connection.query(
                """
                UPDATE client_certificates SET revoked_at = now(), revocation_reason = 'superseded',
                    grace_until = CASE WHEN \(renewal) THEN LEAST(expires_at, now() + \(Self.renewalGraceHours) * INTERVAL '1 hour') END
                WHERE machine_id = \(machineID) AND revoked_at IS NULL
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO client_certificates (client_id, machine_id, serial, issued_at, expires_at, created_by)
                VALUES (\(clientID), \(machineID), \(issued.serialHex), \(issued.issuedAt), \(issued.expiresAt), \(createdBy))
                """, logger: logger)
            try await connection.query(
                """
                UPDATE machines SET cert_serial = \(issued.serialHex), cert_issued_at = \(issued.issuedAt), cert_expires_at = \(issued.expiresAt),
                    cert_revoked_at = NULL, cert_renewal_requested_at = NULL WHERE id = \(machineID)
                """, logger: logger)
        }
    }

    /// Revokes a certificate, and ends the renewal grace of every certificate of its machine: a
    /// revocation is never softened by an earlier renewal, nor undone by a later enrolment.
    func revoke(serial: String, reason: RevocationReason) async throws {
        try await client.transaction(logger: logger) { connection in
            try await connection.query(
                """
                UPDATE client_certificates SET revoked_at = COALESCE(revoked_at, now()), revocation_reason = \(reason.rawValue), grace_until = NULL
                WHERE serial = \(serial)
                """, logger: logger)
            try await connection.query(
                """
                UPDATE client_certificates SET grace_until = NULL
                WHERE grace_until IS NOT NULL AND machine_id = (SELECT machine_id FROM client_certificates WHERE serial = \(serial))
                """, logger: logger)
            try await connection.query("UPDATE machines SET cert_revoked_at = now() WHERE cert_serial = \(serial)", logger: logger)
        }
    }

    /// Lifts a revocation; fails with 409 when the machine already has another active certificate.
    func restore(serial: String) async throws {
        do {
            try await client.transaction(logger: logger) { connection in
                try await connection.query(
                    "UPDATE client_certificates SET revoked_at = NULL, revocation_reason = NULL WHERE serial = \(serial)", logger: logger)
                try await connection.query("UPDATE machines SET cert_revoked_at = NULL WHERE cert_serial = \(serial)", logger: logger)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw AppError.conflict("the machine has another active certificate", code: "ACTIVE_CERTIFICATE_EXISTS")
        }
    }

    /// Every revoked certificate not yet expired (an expired one needs no CRL entry).
    func revoked() async throws -> [CRLSigner.Revoked] {
        try await client.query(
            "SELECT serial, revoked_at, COALESCE(revocation_reason, '') FROM client_certificates WHERE revoked_at IS NOT NULL AND expires_at > now()",
            logger: logger
        ).decode((String, Date, String).self).reduce(into: [CRLSigner.Revoked]()) { list, row in
            list.append(.init(serialHex: row.0, revokedAt: row.1, reason: Self.reasonCode(row.2)))
        }
    }

    /// RFC 5280 CRLReason of a stored reason; `machine_deleted`, written before the reasons were
    /// checked, is a cessation of operation.
    static func reasonCode(_ reason: String) -> Int32 {
        if reason == "machine_deleted" { return RevocationReason.cessationOfOperation.code }
        return RevocationReason(rawValue: reason)?.code ?? RevocationReason.unspecified.code
    }
}
