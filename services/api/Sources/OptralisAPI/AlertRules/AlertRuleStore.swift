import Foundation
import Logging
import OptralisPostgres
import PostgresNIO

/// `alert_rules` with their channels (`alert_rule_channels`) and `alert_rule_history`,
/// always scoped by client.
struct AlertRuleStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Rule: Codable, Sendable {
        let id: UUID
        let clientID: UUID
        let name: String
        let metric: String
        let `operator`: String
        let threshold: Double
        let severity: String
        let enabled: Bool
        let cooldownMinutes: Int
        let machineID: UUID?
        let groupID: UUID?
        let channelIDs: [UUID]
        let createdAt: Date
        let updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, name, metric, `operator`, threshold, severity, enabled
            case clientID = "client_id", cooldownMinutes = "cooldown_minutes", machineID = "machine_id", groupID = "group_id"
            case channelIDs = "channel_ids", createdAt = "created_at", updatedAt = "updated_at"
        }
    }

    /// A rule as written by the api (validated).
    struct Input: Sendable {
        var name: String
        var metric: String
        var `operator`: String
        var threshold: Double
        var severity: String
        var enabled: Bool
        var cooldownMinutes: Int
        var machineID: UUID?
        var groupID: UUID?
        var channelIDs: [UUID]
    }

    private typealias Row = (UUID, UUID, String, String, String, Double, String, Bool, Int, UUID?, UUID?, [UUID], Date, Date)

    private func rules(clientID: UUID, id: UUID?) async throws -> [Rule] {
        let rows = try await database.query(
            """
            SELECT r.id, r.client_id, r.name, r.metric, r.operator, r.threshold, r.severity, r.enabled, r.cooldown_minutes,
                   r.machine_id, r.group_id,
                   COALESCE(array_agg(c.channel_id ORDER BY c.channel_id) FILTER (WHERE c.channel_id IS NOT NULL), '{}'),
                   r.created_at, r.updated_at
            FROM alert_rules r LEFT JOIN alert_rule_channels c ON c.rule_id = r.id AND c.client_id = r.client_id
            WHERE r.client_id = \(clientID) AND (\(id)::uuid IS NULL OR r.id = \(id))
            GROUP BY r.id ORDER BY r.created_at
            """, logger: logger)
        var result: [Rule] = []
        for try await row in rows.decode(Row.self) {
            result.append(
                Rule(
                    id: row.0, clientID: row.1, name: row.2, metric: row.3, operator: row.4, threshold: row.5, severity: row.6, enabled: row.7,
                    cooldownMinutes: row.8, machineID: row.9, groupID: row.10, channelIDs: row.11, createdAt: row.12, updatedAt: row.13))
        }
        return result
    }

    func list(clientID: UUID) async throws -> [Rule] {
        try await rules(clientID: clientID, id: nil)
    }

    func find(id: UUID, clientID: UUID) async throws -> Rule? {
        try await rules(clientID: clientID, id: id).first
    }

    /// How many of `ids` exist for this client in `table` (machines, groups, notification_channels).
    func countOwned(_ ids: [UUID], table: String, clientID: UUID) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await database.query(
            "SELECT count(*)::int FROM \(unescaped: table) WHERE client_id = \(clientID) AND id = ANY(\(ids))", logger: logger
        ).decode(Int.self).reduce(0, +)
    }

    func insert(clientID: UUID, _ input: Input, createdBy: UUID) async throws -> UUID {
        try await database.transaction(logger: logger) { connection in
            var ruleID: UUID?
            for try await id in try await connection.query(
                """
                INSERT INTO alert_rules (client_id, name, metric, operator, threshold, severity, enabled, cooldown_minutes, machine_id, group_id, created_by)
                VALUES (\(clientID), \(input.name), \(input.metric), \(input.operator), \(input.threshold), \(input.severity), \(input.enabled),
                        \(input.cooldownMinutes), \(input.machineID), \(input.groupID), \(createdBy))
                RETURNING id
                """, logger: logger
            ).decode(UUID.self) { ruleID = id }
            guard let ruleID else { throw APIError.notFound("alert rule") }
            try await linkChannels(ruleID: ruleID, clientID: clientID, channelIDs: input.channelIDs, on: connection)
            return ruleID
        }
    }

    func update(id: UUID, clientID: UUID, _ input: Input) async throws -> Bool {
        try await database.transaction(logger: logger) { connection in
            var found = false
            for try await _ in try await connection.query(
                """
                UPDATE alert_rules SET name = \(input.name), metric = \(input.metric), operator = \(input.operator), threshold = \(input.threshold),
                    severity = \(input.severity), enabled = \(input.enabled), cooldown_minutes = \(input.cooldownMinutes),
                    machine_id = \(input.machineID), group_id = \(input.groupID), updated_at = now()
                WHERE id = \(id) AND client_id = \(clientID) RETURNING id
                """, logger: logger
            ).decode(UUID.self) { found = true }
            guard found else { return false }
            try await connection.query("DELETE FROM alert_rule_channels WHERE rule_id = \(id) AND client_id = \(clientID)", logger: logger)
            try await linkChannels(ruleID: id, clientID: clientID, channelIDs: input.channelIDs, on: connection)
            return true
        }
    }

    private func linkChannels(ruleID: UUID, clientID: UUID, channelIDs: [UUID], on connection: PostgresConnection) async throws {
        guard !channelIDs.isEmpty else { return }
        try await connection.query(
            "INSERT INTO alert_rule_channels (client_id, rule_id, channel_id) SELECT \(clientID), \(ruleID), unnest(\(channelIDs)::uuid[])",
            logger: logger)
    }

    func delete(id: UUID, clientID: UUID) async throws -> Bool {
        let rows = try await database.query("DELETE FROM alert_rules WHERE id = \(id) AND client_id = \(clientID) RETURNING id", logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    struct HistoryEntry: Codable, Sendable {
        let id: UUID
        let ruleID: UUID?
        let ruleName: String
        let machineID: UUID
        let machineHostname: String?
        let metric: String
        let `operator`: String
        let threshold: Double
        let severity: String
        let triggeredValue: Double
        let triggeredAt: Date
        let resolvedAt: Date?
        let channelsNotified: Int

        enum CodingKeys: String, CodingKey {
            case id, metric, `operator`, threshold, severity
            case ruleID = "rule_id", ruleName = "rule_name", machineID = "machine_id", machineHostname = "machine_hostname"
            case triggeredValue = "triggered_value", triggeredAt = "triggered_at", resolvedAt = "resolved_at", channelsNotified = "channels_notified"
        }
    }

    func history(clientID: UUID, ruleID: UUID?, machineID: UUID?, limit: Int, offset: Int) async throws -> (entries: [HistoryEntry], total: Int) {
        let rows = try await database.query(
            """
            SELECT count(*) OVER ()::int, h.id, h.rule_id, h.rule_name, h.machine_id, m.hostname, h.metric, h.operator, h.threshold, h.severity,
                   h.triggered_value, h.triggered_at, h.resolved_at, h.channels_notified
            FROM alert_rule_history h LEFT JOIN machines m ON m.id = h.machine_id AND m.client_id = h.client_id
            WHERE h.client_id = \(clientID) AND (\(ruleID)::uuid IS NULL OR h.rule_id = \(ruleID)) AND (\(machineID)::uuid IS NULL OR h.machine_id = \(machineID))
            ORDER BY h.triggered_at DESC LIMIT \(limit) OFFSET \(offset)
            """, logger: logger)
        var entries: [HistoryEntry] = []
        var total = 0
        for try await row in rows.decode((Int, UUID, UUID?, String, UUID, String?, String, String, Double, String, Double, Date, Date?, Int).self) {
            total = row.0
            entries.append(
                HistoryEntry(
                    id: row.1, ruleID: row.2, ruleName: row.3, machineID: row.4, machineHostname: row.5, metric: row.6, operator: row.7,
                    threshold: row.8, severity: row.9, triggeredValue: row.10, triggeredAt: row.11, resolvedAt: row.12, channelsNotified: row.13))
        }
        return (entries, total)
    }
}
