import Foundation
import Logging
import OptralisCore
import OptralisPostgres
import PostgresNIO

/// An enrolment, in one transaction: the install token's use, then the machine the agent
/// becomes — found by hardware id (case-insensitive), then by host name ("Machine Lookup"), else
/// created within the licence's machine limit. A refusal (machine active, licence full) rolls the
/// token's use back.
struct EnrolmentStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    /// A machine is live, and not re-bound without a token that allows it, when it has a valid
    /// certificate and was seen within this many minutes.
    static let activeMinutes = 10

    struct Machine: Sendable {
        var hostname: String
        var hardwareID: String?
        var os: String?
        var osVersion: String?
        var architecture: String
        var agentVersion: String?
    }

    struct Token: Sendable {
        let id: UUID
        let clientID: UUID
        let name: String
        let allowReenrolment: Bool
    }

    struct Enrolled: Sendable {
        let machineID: UUID
        let token: Token
        /// False when an existing machine was re-bound to the new agent.
        let created: Bool
        /// The re-bound machine was live (valid certificate, seen within ``activeMinutes``).
        let wasActive: Bool
    }

    enum Outcome: Sendable {
        case enrolled(Enrolled)
        case invalidToken
        /// The machine is live and the token does not allow re-enrolment (nothing was written).
        case machineActive(machineID: UUID, token: Token)
    }

    private struct Refused: Error {
        let machineID: UUID
        let token: Token
    }

    func enrol(tokenHash: String, _ machine: Machine) async throws -> Outcome {
        do {
            return try await database.transaction(logger: logger) { connection in
                var token: Token?
                for try await row in try await connection.query(
                    """
                    UPDATE install_tokens SET usage_count = usage_count + 1, last_used_at = now(), updated_at = now()
                    WHERE token_hash = \(tokenHash) AND revoked_at IS NULL AND expires_at > now() AND (max_usage = 0 OR usage_count < max_usage)
                    RETURNING id, client_id, name, allow_reenrolment
                    """, logger: logger
                ).decode((UUID, UUID, String, Bool).self) { token = Token(id: row.0, clientID: row.1, name: row.2, allowReenrolment: row.3) }
                guard let token else { return .invalidToken }
                let clientID = token.clientID
                // Serialises enrolments of one client, so the machine limit holds under concurrency.
                try await connection.query("SELECT id FROM clients WHERE id = \(clientID) FOR UPDATE", logger: logger)
                for try await (id, active) in try await connection.query(
                    """
                    SELECT m.id, m.last_seen > now() - \(Self.activeMinutes) * INTERVAL '1 minute' AND EXISTS (
                        SELECT 1 FROM client_certificates c WHERE c.machine_id = m.id AND c.revoked_at IS NULL AND c.expires_at > now())
                    FROM machines m WHERE m.client_id = \(clientID)
                      AND ((\(machine.hardwareID)::text IS NOT NULL AND lower(m.hardware_id) = lower(\(machine.hardwareID))) OR m.hostname = \(machine.hostname))
                    ORDER BY (lower(m.hardware_id) = lower(\(machine.hardwareID))) DESC NULLS LAST LIMIT 1
                    """, logger: logger
                ).decode((UUID, Bool?).self) {
                    let live = active ?? false
                    if live && !token.allowReenrolment { throw Refused(machineID: id, token: token) }
                    try await connection.query(
                        """
                        UPDATE machines SET hardware_id = COALESCE(\(machine.hardwareID), hardware_id), os = COALESCE(\(machine.os), os),
                            os_version = COALESCE(\(machine.osVersion), os_version), architecture = \(machine.architecture),
                            agent_version = COALESCE(\(machine.agentVersion), agent_version)
                        WHERE id = \(id)
                        """, logger: logger)
                    // A re-enrolled agent starts its collect sequences from 1 again.
                    try await connection.query("DELETE FROM agent_collect_sequences WHERE machine_id = \(id)", logger: logger)
                    return .enrolled(Enrolled(machineID: id, token: token, created: false, wasActive: live))
                }
                let (count, limit) = try await connection.query(
                    """
                    SELECT (SELECT count(*) FROM machines WHERE client_id = \(clientID))::int, lt.max_machines
                    FROM clients c JOIN license_types lt ON lt.code = c.license_type WHERE c.id = \(clientID)
                    """, logger: logger
                ).decode((Int, Int?).self).reduce(into: (0, Int?.none)) { $0 = ($1.0, $1.1) }
                if let limit, count >= limit {
                    throw LicenceError.machineLimit(limit)
                }
                for try await id in try await connection.query(
                    """
                    INSERT INTO machines (client_id, hostname, hardware_id, os, os_version, architecture, agent_version)
                    VALUES (\(clientID), \(machine.hostname), \(machine.hardwareID), \(machine.os), \(machine.osVersion), \(machine.architecture), \(machine.agentVersion))
                    RETURNING id
                    """, logger: logger
                ).decode(UUID.self) { return .enrolled(Enrolled(machineID: id, token: token, created: true, wasActive: false)) }
                throw AppError.internalError
            }
        } catch let refused as Refused {
            return .machineActive(machineID: refused.machineID, token: refused.token)
        }
    }

    /// The client's admins, who hear of every re-enrolment: email and language.
    func admins(clientID: UUID) async throws -> [(email: String, language: String)] {
        try await database.query("SELECT email, language FROM users WHERE client_id = \(clientID) AND role = 'admin'", logger: logger)
            .decode((String, String).self).reduce(into: []) { $0.append(($1.0, $1.1)) }
    }
}
