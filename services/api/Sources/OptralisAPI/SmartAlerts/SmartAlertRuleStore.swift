import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// `smart_alert_rules` (migration 0014), always scoped by client. The scheduler evaluates them
/// (`SmartAlertEvaluation`); this store only keeps them.
struct SmartAlertRuleStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    /// A rule as the routes show it; `cooldown_minutes` follows from the severity.
    struct Rule: Codable, Sendable {
        let id: UUID
        let name: String
        let metric: String
        let mode: String
        let sigmaFactor: Double?
        let threshold: Double?
        let durationMinutes: Int
        let severity: String
        let cooldownMinutes: Int
        let enabled: Bool
        let machineID: UUID?
        let groupID: UUID?
        let createdAt: Date
        let updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, name, metric, mode, threshold, severity, enabled
            case sigmaFactor = "sigma_factor", durationMinutes = "duration_minutes", cooldownMinutes = "cooldown_minutes"
            case machineID = "machine_id", groupID = "group_id", createdAt = "created_at", updatedAt = "updated_at"
        }

        /// Absent values are written as null, not left out.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(metric, forKey: .metric)
            try container.encode(mode, forKey: .mode)
            try container.encode(sigmaFactor, forKey: .sigmaFactor)
            try container.encode(threshold, forKey: .threshold)
            try container.encode(durationMinutes, forKey: .durationMinutes)
            try container.encode(severity, forKey: .severity)
            try container.encode(cooldownMinutes, forKey: .cooldownMinutes)
            try container.encode(enabled, forKey: .enabled)
            try container.encode(machineID, forKey: .machineID)
            try container.encode(groupID, forKey: .groupID)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(updatedAt, forKey: .updatedAt)
        }
    }

    private func rules(clientID: UUID, id: UUID?) async throws -> [Rule] {
        let rows = try await database.query(
            """
            SELECT id, name, metric, mode, sigma_factor, threshold, duration_minutes, severity, enabled, machine_id, group_id, created_at, updated_at
            FROM smart_alert_rules
            WHERE client_id = \(clientID) AND (\(id)::uuid IS NULL OR id = \(id))
            ORDER BY created_at, id
            """, logger: logger)
        var result: [Rule] = []
        for try await row in rows.decode((UUID, String, String, String, Double?, Double?, Int, String, Bool, UUID?, UUID?, Date, Date).self) {
            result.append(
                Rule(
                    id: row.0, name: row.1, metric: row.2, mode: row.3, sigmaFactor: row.4, threshold: row.5, durationMinutes: row.6, severity: row.7,
                    cooldownMinutes: SmartAlertPolicy.cooldownMinutes(severity: row.7), enabled: row.8, machineID: row.9, groupID: row.10,
                    createdAt: row.11, updatedAt: row.12))
        }
        return result
    }

    func list(clientID: UUID) async throws -> [Rule] {
        try await rules(clientID: clientID, id: nil)
    }

    func find(id: UUID, clientID: UUID) async throws -> Rule? {
        try await rules(clientID: clientID, id: id).first
    }

    func count(clientID: UUID) async throws -> Int {
        try await database.query("SELECT count(*)::int FROM smart_alert_rules WHERE client_id = \(clientID)", logger: logger)
            .decode(Int.self).reduce(0, +)
    }

    /// Whether the machine (or group) is one of this client's.
    func owns(machineID: UUID?, groupID: UUID?, clientID: UUID) async throws -> Bool {
        try await database.query(
            """
            SELECT (\(machineID)::uuid IS NULL OR EXISTS (SELECT 1 FROM machines WHERE id = \(machineID) AND client_id = \(clientID)))
               AND (\(groupID)::uuid IS NULL OR EXISTS (SELECT 1 FROM groups WHERE id = \(groupID) AND client_id = \(clientID)))
            """, logger: logger
        ).decode(Bool.self).reduce(false) { $1 }
    }

    func create(clientID: UUID, _ input: SmartAlertRuleInput, createdBy: UUID) async throws -> Rule {
        let id = try await database.query(
            """
            INSERT INTO smart_alert_rules (client_id, name, metric, mode, sigma_factor, threshold, duration_minutes, severity, enabled, machine_id, group_id, created_by)
            VALUES (\(clientID), \(input.name), \(input.metric), \(input.mode), \(input.sigmaFactor), \(input.threshold), \(input.durationMinutes),
                    \(input.severity), \(input.enabled), \(input.machineID), \(input.groupID), \(createdBy))
            RETURNING id
            """, logger: logger
        ).decode(UUID.self).collect()[0]
        return try await rules(clientID: clientID, id: id)[0]
    }

    /// Replaces the rule's definition; nil when it is not one of this client's.
    func update(id: UUID, clientID: UUID, _ input: SmartAlertRuleInput) async throws -> Rule? {
        let updated = try await database.query(
            """
            UPDATE smart_alert_rules SET name = \(input.name), metric = \(input.metric), mode = \(input.mode), sigma_factor = \(input.sigmaFactor),
                threshold = \(input.threshold), duration_minutes = \(input.durationMinutes), severity = \(input.severity), enabled = \(input.enabled),
                machine_id = \(input.machineID), group_id = \(input.groupID), updated_at = now()
            WHERE id = \(id) AND client_id = \(clientID) RETURNING id
            """, logger: logger
        ).decode(UUID.self).collect()
        guard !updated.isEmpty else { return nil }
        return try await rules(clientID: clientID, id: id).first
    }

    func delete(id: UUID, clientID: UUID) async throws -> Bool {
        try await database.query("DELETE FROM smart_alert_rules WHERE id = \(id) AND client_id = \(clientID) RETURNING 1", logger: logger)
            .decode(Int.self).reduce(false) { _, _ in true }
    }
}
