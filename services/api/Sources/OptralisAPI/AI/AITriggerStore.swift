import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// `ai_triggers` and `ai_trigger_history`, scoped by client.
struct AITriggerStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Trigger: Codable, Sendable {
        let id: UUID
        let triggerType: String
        let enabled: Bool
        let conditions: JSONValue
        let actions: JSONValue
        let lastTriggeredAt: Date?
        let createdAt: Date
        let updatedAt: Date
        enum CodingKeys: String, CodingKey {
            case id, enabled, conditions, actions
            case triggerType = "trigger_type", lastTriggeredAt = "last_triggered_at", createdAt = "created_at", updatedAt = "updated_at"
        }
    }

    struct Firing: Codable, Sendable {
        let id: UUID
        let triggerID: UUID
        let triggeredAt: Date
        let machineID: UUID?
        let machineHostname: String?
        let triggerReason: String
        let status: String
        let analysisResult: JSONValue?
        enum CodingKeys: String, CodingKey {
            case id, status
            case triggerID = "trigger_id", triggeredAt = "triggered_at", machineID = "machine_id", machineHostname = "machine_hostname",
                triggerReason = "trigger_reason", analysisResult = "analysis_result"
        }
    }

    struct Stats: Codable, Sendable {
        let total: Int
        let enabled: Int
        let last24hTriggers: Int
        enum CodingKeys: String, CodingKey { case total, enabled, last24hTriggers = "last_24h_triggers" }
    }

    struct Input: Sendable {
        var triggerType: String
        var enabled: Bool
        var conditions: String
        var actions: String
    }

    private static let columns = "id, trigger_type, enabled, conditions::text, actions::text, last_triggered_at, created_at, updated_at"

    private func triggers(_ query: PostgresQuery) async throws -> [Trigger] {
        var triggers: [Trigger] = []
        for try await row in try await database.query(query, logger: logger).decode((UUID, String, Bool, String, String, Date?, Date, Date).self) {
            triggers.append(
                Trigger(
                    id: row.0, triggerType: row.1, enabled: row.2, conditions: try JSONValue(parsing: row.3), actions: try JSONValue(parsing: row.4),
                    lastTriggeredAt: row.5, createdAt: row.6, updatedAt: row.7))
        }
        return triggers
    }

    func list(clientID: UUID) async throws -> [Trigger] {
        try await triggers("SELECT \(unescaped: Self.columns) FROM ai_triggers WHERE client_id = \(clientID) ORDER BY trigger_type, created_at")
    }

    func find(id: UUID, clientID: UUID) async throws -> Trigger? {
        try await triggers("SELECT \(unescaped: Self.columns) FROM ai_triggers WHERE id = \(id) AND client_id = \(clientID)").first
    }

    func count(clientID: UUID) async throws -> Int {
        try await database.query("SELECT count(*)::int FROM ai_triggers WHERE client_id = \(clientID)", logger: logger)
            .decode(Int.self).reduce(into: 0) { $0 = $1 }
    }

    func create(_ input: Input, clientID: UUID, userID: UUID) async throws -> Trigger {
        let created = try await triggers(
            """
            INSERT INTO ai_triggers (client_id, trigger_type, enabled, conditions, actions, created_by)
            VALUES (\(clientID), \(input.triggerType), \(input.enabled), \(input.conditions)::jsonb, \(input.actions)::jsonb, \(userID))
            RETURNING \(unescaped: Self.columns)
            """)
        guard let trigger = created.first else { throw AppError.internalError }
        return trigger
    }

    func update(id: UUID, clientID: UUID, _ input: Input) async throws -> Trigger? {
        try await triggers(
            """
            UPDATE ai_triggers SET enabled = \(input.enabled), conditions = \(input.conditions)::jsonb, actions = \(input.actions)::jsonb, updated_at = now()
            WHERE id = \(id) AND client_id = \(clientID) RETURNING \(unescaped: Self.columns)
            """
        ).first
    }

    func delete(id: UUID, clientID: UUID) async throws -> Bool {
        try await database.query("DELETE FROM ai_triggers WHERE id = \(id) AND client_id = \(clientID) RETURNING 1", logger: logger)
            .decode(Int.self).reduce(into: false) { found, _ in found = true }
    }

    /// The latest firings of one trigger, or (nil) of every trigger of the client; with
    /// `latestPerTrigger`, only the newest of each.
    func history(triggerID: UUID?, clientID: UUID, limit: Int, latestPerTrigger: Bool = false) async throws -> [Firing] {
        var firings: [Firing] = []
        for try await row in try await database.query(
            """
            SELECT \(unescaped: latestPerTrigger ? "DISTINCT ON (h.trigger_id)" : "") h.id, h.trigger_id, h.triggered_at, h.machine_id, m.hostname,
                   h.trigger_reason, h.status, h.analysis_result::text
            FROM ai_trigger_history h LEFT JOIN machines m ON m.id = h.machine_id AND m.client_id = h.client_id
            WHERE h.client_id = \(clientID) AND (\(triggerID)::uuid IS NULL OR h.trigger_id = \(triggerID))
            ORDER BY \(unescaped: latestPerTrigger ? "h.trigger_id, " : "")h.triggered_at DESC LIMIT \(limit)
            """, logger: logger
        ).decode((UUID, UUID, Date, UUID?, String?, String, String, String?).self) {
            firings.append(
                Firing(
                    id: row.0, triggerID: row.1, triggeredAt: row.2, machineID: row.3, machineHostname: row.4, triggerReason: row.5, status: row.6,
                    analysisResult: try row.7.map { try JSONValue(parsing: $0) }))
        }
        return firings
    }

    func stats(clientID: UUID) async throws -> Stats {
        for try await row in try await database.query(
            """
            SELECT (SELECT count(*) FROM ai_triggers WHERE client_id = \(clientID))::int,
                   (SELECT count(*) FROM ai_triggers WHERE client_id = \(clientID) AND enabled)::int,
                   (SELECT count(*) FROM ai_trigger_history WHERE client_id = \(clientID) AND triggered_at > now() - interval '24 hours')::int
            """, logger: logger
        ).decode((Int, Int, Int).self) {
            return Stats(total: row.0, enabled: row.1, last24hTriggers: row.2)
        }
        throw AppError.internalError
    }
}
