import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// `collection_settings` as the admins edit them (`/api/collection-settings`); the agents' side
/// is in `CollectionSettingsStore+Agents.swift`.
struct CollectionSettingsStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Setting: Codable, Sendable {
        var id: UUID
        var clientID: UUID
        var name: String
        var priority: Int
        var scope: String
        var machineID: UUID?
        var groupID: UUID?
        var labelID: UUID?
        var labelValue: String?
        var intervals: [String: Int]
        var collectorsEnabled: [String: Bool]
        var createdAt: Date
        enum CodingKeys: String, CodingKey {
            case id, name, priority, scope, intervals
            case clientID = "client_id", machineID = "machine_id", groupID = "group_id", labelID = "label_id", labelValue = "label_value"
            case collectorsEnabled = "collectors_enabled", createdAt = "created_at"
        }
    }

    private static let columns =
        "id, client_id, name, priority, scope, machine_id, group_id, label_id, label_value, intervals::text, collectors_enabled::text, created_at"

    private func settings(_ query: PostgresQuery) async throws -> [Setting] {
        var result: [Setting] = []
        let rows = try await database.query(query, logger: logger)
        for try await row in rows.decode((UUID, UUID, String, Int, String, UUID?, UUID?, UUID?, String?, String, String, Date).self) {
            result.append(
                Setting(
                    id: row.0, clientID: row.1, name: row.2, priority: row.3, scope: row.4, machineID: row.5, groupID: row.6, labelID: row.7,
                    labelValue: row.8, intervals: (try? JSONDecoder().decode([String: Int].self, from: Data(row.9.utf8))) ?? [:],
                    collectorsEnabled: (try? JSONDecoder().decode([String: Bool].self, from: Data(row.10.utf8))) ?? [:], createdAt: row.11))
        }
        return result
    }

    func all(clientID: UUID) async throws -> [Setting] {
        try await settings("SELECT \(unescaped: Self.columns) FROM collection_settings WHERE client_id = \(clientID) ORDER BY priority DESC, name")
    }

    func find(id: UUID, clientID: UUID) async throws -> Setting? {
        try await settings("SELECT \(unescaped: Self.columns) FROM collection_settings WHERE id = \(id) AND client_id = \(clientID)").first
    }

    /// Inserts or replaces; a target of another client breaks the composite foreign key (404).
    func save(_ setting: Setting, creating: Bool, userID: UUID) async throws -> Setting? {
        let intervals = String(decoding: try JSONEncoder().encode(setting.intervals), as: UTF8.self)
        let enabled = String(decoding: try JSONEncoder().encode(setting.collectorsEnabled), as: UTF8.self)
        do {
            if creating {
                return try await settings(
                    """
                    INSERT INTO collection_settings (client_id, name, priority, scope, machine_id, group_id, label_id, label_value, intervals,
                                                     collectors_enabled, created_by)
                    VALUES (\(setting.clientID), \(setting.name), \(setting.priority), \(setting.scope), \(setting.machineID), \(setting.groupID),
                            \(setting.labelID), \(setting.labelValue), \(intervals)::jsonb, \(enabled)::jsonb, \(userID))
                    RETURNING \(unescaped: Self.columns)
                    """
                ).first
            }
            return try await settings(
                """
                UPDATE collection_settings SET name = \(setting.name), priority = \(setting.priority), scope = \(setting.scope),
                    machine_id = \(setting.machineID), group_id = \(setting.groupID), label_id = \(setting.labelID), label_value = \(setting.labelValue),
                    intervals = \(intervals)::jsonb, collectors_enabled = \(enabled)::jsonb, updated_at = now()
                WHERE id = \(setting.id) AND client_id = \(setting.clientID) RETURNING \(unescaped: Self.columns)
                """
            ).first
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23503" {
            throw AppError.notFound("the machine, group or label of this setting was not found")
        }
    }

    func delete(id: UUID, clientID: UUID) async throws -> Bool {
        try await database.query("DELETE FROM collection_settings WHERE id = \(id) AND client_id = \(clientID) RETURNING 1", logger: logger)
            .decode(Int.self).reduce(into: false) { found, _ in found = true }
    }
}
