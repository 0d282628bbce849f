import Foundation
import Logging
import OptralisCore
import OptralisPostgres
import PostgresNIO

/// The machine an enrolling agent becomes: found by hardware id (case-insensitive), then by
/// host name ("Machine Lookup"), else created — within the licence's machine limit.
struct EnrolmentRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    struct Machine: Sendable {
        var hostname: String
        var hardwareID: String?
        var os: String?
        var osVersion: String?
        var architecture: String
        var agentVersion: String?
    }

    func findOrCreate(clientID: UUID, _ machine: Machine) async throws -> (id: UUID, created: Bool) {
        try await client.transaction(logger: logger) { connection in
            // Serialises enrolments of one client, so the machine limit holds under concurrency.
            try await connection.query("SELECT id FROM clients WHERE id = \(clientID) FOR UPDATE", logger: logger)
            for try await id in try await connection.query(
                """
                SELECT id FROM machines WHERE client_id = \(clientID)
                  AND ((\(machine.hardwareID)::text IS NOT NULL AND lower(hardware_id) = lower(\(machine.hardwareID))) OR hostname = \(machine.hostname))
                ORDER BY (lower(hardware_id) = lower(\(machine.hardwareID))) DESC NULLS LAST LIMIT 1
                """, logger: logger
            ).decode(UUID.self) {
                try await connection.query(
                    """
                    UPDATE machines SET hardware_id = COALESCE(\(machine.hardwareID), hardware_id), os = COALESCE(\(machine.os), os),
                        os_version = COALESCE(\(machine.osVersion), os_version), architecture = \(machine.architecture),
                        agent_version = COALESCE(\(machine.agentVersion), agent_version)
                    WHERE id = \(id)
                    """, logger: logger)
                // A re-enrolled agent starts its collect sequences from 1 again.
                try await connection.query("DELETE FROM agent_collect_sequences WHERE machine_id = \(id)", logger: logger)
                return (id, false)
            }
            let (count, limit) = try await connection.query(
                """
                SELECT (SELECT count(*) FROM machines WHERE client_id = \(clientID))::int, lt.max_machines
                FROM clients c JOIN license_types lt ON lt.code = c.license_type WHERE c.id = \(clientID)
                """, logger: logger
            ).decode((Int, Int?).self).reduce(into: (0, Int?.none)) { $0 = ($1.0, $1.1) }
            if let limit, count >= limit {
                throw AppError.forbidden("the licence allows \(limit) machines", code: "LICENSE_MACHINE_LIMIT")
            }
            for try await id in try await connection.query(
                """
                INSERT INTO machines (client_id, hostname, hardware_id, os, os_version, architecture, agent_version)
                VALUES (\(clientID), \(machine.hostname), \(machine.hardwareID), \(machine.os), \(machine.osVersion), \(machine.architecture), \(machine.agentVersion))
                RETURNING id
                """, logger: logger
            ).decode(UUID.self) { return (id, true) }
            throw AppError.internalError
        }
    }
}
