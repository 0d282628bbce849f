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

    /// Records a new certificate; the machine's previous active one is revoked (superseded) in
    /// the same transaction, so the one-active-certificate index always holds.
    func record(_ issued: CertificateAuthority.Issued, clientID: UUID, machineID: UUID, createdBy: UUID?) async throws {
        try await client.transaction(logger: logger) { connection in
            let machines = try await connection.query(
                "SELECT count(*)::int FROM machines WHERE id = \(machineID) AND client_id = \(clientID)", logger: logger
            ).decode(Int.self).reduce(0, +)
            guard machines == 1 else { throw AppError.notFound("machine \(machineID) of client \(clientID) not found", code: "MACHINE_NOT_FOUND") }
            try await connection.query(
                """
                UPDATE client_certificates SET revoked_at = now(), revocation_reason = 'superseded'
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
                    cert_revoked_at = NULL WHERE id = \(machineID)
                """, logger: logger)
        }
    }

    func revoke(serial: String, reason: String) async throws {
        try await client.transaction(logger: logger) { connection in
            try await connection.query(
                "UPDATE client_certificates SET revoked_at = COALESCE(revoked_at, now()), revocation_reason = \(reason) WHERE serial = \(serial)",
                logger: logger)
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

    /// RFC 5280 CRLReason for the reasons the api and the ca write.
    static func reasonCode(_ reason: String) -> Int32 {
        switch reason {
        case "key_compromise": 1
        case "ca_compromise": 2
        case "affiliation_changed": 3
        case "superseded": 4
        case "cessation_of_operation", "machine_deleted": 5
        case "certificate_hold": 6
        default: 0
        }
    }
}
