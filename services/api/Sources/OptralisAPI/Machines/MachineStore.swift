import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// The machine changes of the fleet API; every statement is scoped by the client.
struct MachineStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    /// (id, hostname) of the client's machine with this host name (case-insensitive).
    func find(hostname: String, clientID: UUID) async throws -> (UUID, String)? {
        for try await row in try await database.query(
            "SELECT id, hostname FROM machines WHERE client_id = \(clientID) AND lower(hostname) = lower(\(hostname))", logger: logger
        ).decode((UUID, String).self) {
            return row
        }
        return nil
    }

    /// ``find(hostname:clientID:)`` for a route: an unknown host name is a 404.
    func named(_ hostname: String, clientID: UUID) async throws -> (UUID, String) {
        guard let found = try await find(hostname: hostname, clientID: clientID) else { throw APIError.notFound("machine \(hostname)") }
        return found
    }

    func hostname(id: UUID, clientID: UUID) async throws -> String? {
        try await database.query("SELECT hostname FROM machines WHERE id = \(id) AND client_id = \(clientID)", logger: logger)
            .decode(String.self).reduce(into: String?.none) { $0 = $1 }
    }

    /// Maintenance on (until a time, or until turned off) or off; the offline detection and the
    /// rules skip a machine in maintenance.
    func setMaintenance(id: UUID, clientID: UUID, enabled: Bool, until: Date?) async throws -> Bool {
        try await database.query(
            """
            UPDATE machines SET maintenance_mode = \(enabled), maintenance_started_at = CASE WHEN \(enabled) THEN now() END,
                maintenance_until = CASE WHEN \(enabled) THEN \(until)::timestamptz END, updated_at = now()
            WHERE id = \(id) AND client_id = \(clientID) RETURNING 1
            """, logger: logger
        ).decode(Int.self).reduce(into: false) { found, _ in found = true }
    }

    func setChannel(id: UUID, clientID: UUID, channel: String) async throws -> Bool {
        try await database.query(
            "UPDATE machines SET update_channel = \(channel), updated_at = now() WHERE id = \(id) AND client_id = \(clientID) RETURNING 1",
            logger: logger
        ).decode(Int.self).reduce(into: false) { found, _ in found = true }
    }

    /// The agent picks the request up at its next configuration sync (within 5 minutes).
    func requestCollection(id: UUID, clientID: UUID) async throws {
        try await database.query("UPDATE machines SET force_collect_requested_at = now() WHERE id = \(id) AND client_id = \(clientID)", logger: logger)
    }

    /// Deletes the machine; its data, certificates' machine link, labels and settings go with it.
    func delete(id: UUID, clientID: UUID) async throws {
        try await database.query("DELETE FROM machines WHERE id = \(id) AND client_id = \(clientID)", logger: logger)
    }
}
