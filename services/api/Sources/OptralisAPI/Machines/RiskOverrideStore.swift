import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// `machine_risk_overrides`: a security finding of one machine marked accepted, false positive or
/// mitigated, for a time or for good. Every statement is scoped by the client.
struct RiskOverrideStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Override: Codable, Sendable {
        let id: UUID
        let riskType: String
        /// Empty: the whole risk type.
        let riskKey: String
        let status: String
        let reason: String?
        let expiresAt: Date?
        let isActive: Bool
        let createdBy: UUID?
        let createdAt: Date
        let updatedAt: Date
        enum CodingKeys: String, CodingKey {
            case id, status, reason
            case riskType = "risk_type", riskKey = "risk_key", expiresAt = "expires_at", isActive = "is_active", createdBy = "created_by",
                createdAt = "created_at", updatedAt = "updated_at"
        }
    }

    struct Input: Sendable {
        let riskType: String
        let riskKey: String
        let status: String
        let reason: String?
        let expiresAt: Date?
    }

    private static let columns =
        "id, risk_type, risk_key, status, reason, expires_at, (expires_at IS NULL OR expires_at > now()), created_by, created_at, updated_at"
    private typealias Row = (UUID, String, String, String, String?, Date?, Bool, UUID?, Date, Date)

    private static func override(_ row: Row) -> Override {
        Override(
            id: row.0, riskType: row.1, riskKey: row.2, status: row.3, reason: row.4, expiresAt: row.5, isActive: row.6, createdBy: row.7,
            createdAt: row.8, updatedAt: row.9)
    }

    func list(machineID: UUID, clientID: UUID) async throws -> [Override] {
        try await database.query(
            """
            SELECT \(unescaped: Self.columns) FROM machine_risk_overrides WHERE machine_id = \(machineID) AND client_id = \(clientID)
            ORDER BY risk_type, risk_key
            """, logger: logger
        ).decode(Row.self).reduce(into: []) { $0.append(Self.override($1)) }
    }

    /// Creates the override, or replaces the one of the same risk type and key.
    func upsert(_ input: Input, machineID: UUID, clientID: UUID, userID: UUID) async throws -> (Override, created: Bool) {
        let query: PostgresQuery = """
            INSERT INTO machine_risk_overrides (client_id, machine_id, risk_type, risk_key, status, reason, expires_at, created_by)
            VALUES (\(clientID), \(machineID), \(input.riskType), \(input.riskKey), \(input.status), \(input.reason), \(input.expiresAt), \(userID))
            ON CONFLICT (machine_id, risk_type, risk_key) DO UPDATE
                SET status = EXCLUDED.status, reason = EXCLUDED.reason, expires_at = EXCLUDED.expires_at, updated_at = now()
            RETURNING \(unescaped: Self.columns), xmax = 0
            """
        for try await row in try await database.query(query, logger: logger).decode(
            (UUID, String, String, String, String?, Date?, Bool, UUID?, Date, Date, Bool).self)
        {
            return (Self.override((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9)), row.10)
        }
        throw AppError.internalError
    }

    func delete(id: UUID, machineID: UUID, clientID: UUID) async throws -> Bool {
        try await database.query(
            "DELETE FROM machine_risk_overrides WHERE id = \(id) AND machine_id = \(machineID) AND client_id = \(clientID) RETURNING 1", logger: logger
        ).decode(Int.self).reduce(into: false) { found, _ in found = true }
    }
}
