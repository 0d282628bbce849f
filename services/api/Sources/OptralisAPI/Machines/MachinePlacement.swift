import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// Moves a client's machines into a set — a group or a site, the column of `machines` naming it —
/// or out of it (nil). Machines of another client are not touched (and not counted).
struct MachinePlacement: Sendable {
    let database: PostgresClient
    let logger: Logger

    enum Column: String, Sendable {
        case group = "group_id", site = "site_id"
    }

    /// How many machines moved.
    func place(_ column: Column, setID: UUID?, machineIDs: [UUID], clientID: UUID) async throws -> Int {
        try await database.query(
            """
            WITH moved AS (
                UPDATE machines SET \(unescaped: column.rawValue) = \(setID), updated_at = now()
                WHERE client_id = \(clientID) AND id = ANY(\(machineIDs)) RETURNING 1)
            SELECT count(*)::int FROM moved
            """, logger: logger
        ).decode(Int.self).reduce(into: 0) { $0 = $1 }
    }

    /// Runs an insert or update of a named set, a unique violation (the name is taken in the
    /// client) becoming `conflict`, a 409.
    static func uniqueName<T>(_ conflict: AppError, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw conflict
        }
    }
}
