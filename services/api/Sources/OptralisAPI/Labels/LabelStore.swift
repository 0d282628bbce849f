import Foundation
import Logging
import OptralisCore
import OptralisPostgres
import PostgresNIO

/// `labels` and `machine_labels` (spec "Labels (Tags Machines)"), scoped by client everywhere.
struct LabelStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    static let maximumPerMachine = 10

    struct Label: Codable, Sendable {
        let id: UUID
        let clientID: UUID
        let key: String
        let color: String
        let createdAt: Date
        /// How many machines carry it: in the list only (absent from other answers).
        var machineCount: Int?
        enum CodingKeys: String, CodingKey { case id, clientID = "client_id", key, color, createdAt = "created_at", machineCount = "machine_count" }
    }

    struct Assignment: Codable, Sendable {
        let machineID: UUID
        let labelID: UUID
        let value: String
        let assignedAt: Date
        enum CodingKeys: String, CodingKey { case machineID = "machine_id", labelID = "label_id", value, assignedAt = "assigned_at" }
    }

    struct MachineLabel: Codable, Sendable {
        let labelID: UUID
        let key: String
        let value: String
        let color: String
        enum CodingKeys: String, CodingKey { case labelID = "label_id", key, value, color }
    }

    private func labels(_ query: PostgresQuery) async throws -> [Label] {
        try await database.query(query, logger: logger).decode((UUID, UUID, String, String, Date).self).reduce(into: []) {
            $0.append(Label(id: $1.0, clientID: $1.1, key: $1.2, color: $1.3, createdAt: $1.4))
        }
    }

    func all(clientID: UUID) async throws -> [Label] {
        let rows = try await database.query(
            """
            SELECT l.id, l.client_id, l.key, l.color, l.created_at,
                   (SELECT count(*)::int FROM machine_labels ml WHERE ml.client_id = l.client_id AND ml.label_id = l.id)
            FROM labels l WHERE l.client_id = \(clientID) ORDER BY l.key
            """, logger: logger)
        var labels: [Label] = []
        for try await (id, client, key, color, created, count) in rows.decode((UUID, UUID, String, String, Date, Int).self) {
            labels.append(Label(id: id, clientID: client, key: key, color: color, createdAt: created, machineCount: count))
        }
        return labels
    }

    func find(id: UUID, clientID: UUID) async throws -> Label? {
        try await labels("SELECT id, client_id, key, color, created_at FROM labels WHERE id = \(id) AND client_id = \(clientID)").first
    }

    func create(clientID: UUID, key: String, color: String) async throws -> Label {
        do {
            return try await labels(
                "INSERT INTO labels (client_id, key, color) VALUES (\(clientID), \(key), \(color)) RETURNING id, client_id, key, color, created_at")[0]
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw LabelError.exists(key: key)
        }
    }

    func update(id: UUID, clientID: UUID, key: String?, color: String?) async throws -> Label? {
        do {
            return try await labels(
                """
                UPDATE labels SET key = COALESCE(\(key), key), color = COALESCE(\(color), color), updated_at = now()
                WHERE id = \(id) AND client_id = \(clientID) RETURNING id, client_id, key, color, created_at
                """
            ).first
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw LabelError.exists(key: key ?? "")
        }
    }

    func delete(id: UUID, clientID: UUID) async throws -> Bool {
        try await database.query("DELETE FROM labels WHERE id = \(id) AND client_id = \(clientID) RETURNING 1", logger: logger)
            .decode(Int.self).reduce(into: false) { found, _ in found = true }
    }

    /// Assigns in one transaction: every machine must be the client's, and none may end up with
    /// more than ``maximumPerMachine`` labels (an existing assignment only changes its value).
    func assign(labelID: UUID, value: String, machineIDs: [UUID], clientID: UUID) async throws -> Int {
        try await database.transaction(logger: logger) { connection in
            // Serialises assignments of the client, so the per-machine limit holds.
            try await connection.query("SELECT id FROM clients WHERE id = \(clientID) FOR UPDATE", logger: logger)
            let known = try await connection.query(
                "SELECT count(*)::int FROM machines WHERE client_id = \(clientID) AND id = ANY(\(machineIDs))", logger: logger
            ).decode(Int.self).reduce(into: 0) { $0 = $1 }
            guard known == Set(machineIDs).count else { throw APIError.notFound("machine") }
            let full = try await connection.query(
                """
                SELECT count(*)::int FROM (
                    SELECT ml.machine_id FROM machine_labels ml WHERE ml.client_id = \(clientID) AND ml.machine_id = ANY(\(machineIDs))
                      AND ml.label_id <> \(labelID)
                    GROUP BY ml.machine_id HAVING count(*) >= \(Self.maximumPerMachine)) AS saturated
                """, logger: logger
            ).decode(Int.self).reduce(into: 0) { $0 = $1 }
            guard full == 0 else {
                throw LabelError.limitReached
            }
            return try await connection.query(
                """
                WITH assigned AS (
                    INSERT INTO machine_labels (client_id, machine_id, label_id, value)
                    SELECT \(clientID), m, \(labelID), \(value) FROM unnest(\(machineIDs)::uuid[]) AS m
                    ON CONFLICT (machine_id, label_id) DO UPDATE SET value = EXCLUDED.value, assigned_at = now()
                    RETURNING 1)
                SELECT count(*)::int FROM assigned
                """, logger: logger
            ).decode(Int.self).reduce(into: 0) { $0 = $1 }
        }
    }

    func unassign(labelID: UUID, machineIDs: [UUID], clientID: UUID) async throws -> Int {
        try await database.query(
            """
            WITH removed AS (
                DELETE FROM machine_labels WHERE client_id = \(clientID) AND label_id = \(labelID) AND machine_id = ANY(\(machineIDs)) RETURNING 1)
            SELECT count(*)::int FROM removed
            """, logger: logger
        ).decode(Int.self).reduce(into: 0) { $0 = $1 }
    }

    func assignments(labelID: UUID, value: String?, clientID: UUID) async throws -> [Assignment] {
        try await database.query(
            """
            SELECT machine_id, label_id, value, assigned_at FROM machine_labels
            WHERE client_id = \(clientID) AND label_id = \(labelID) AND (\(value)::text IS NULL OR value = \(value)) ORDER BY assigned_at
            """, logger: logger
        ).decode((UUID, UUID, String, Date).self).reduce(into: []) { $0.append(Assignment(machineID: $1.0, labelID: $1.1, value: $1.2, assignedAt: $1.3)) }
    }

    /// The labels of many machines in one query (the spec's N+1 optimisation); every requested
    /// machine of the client is a key, with an empty list when it has none.
    func labels(machineIDs: [UUID], clientID: UUID) async throws -> [UUID: [MachineLabel]] {
        var result: [UUID: [MachineLabel]] = [:]
        let rows = try await database.query(
            """
            SELECT m.id, l.id, l.key, ml.value, l.color FROM machines m
            LEFT JOIN machine_labels ml ON ml.machine_id = m.id AND ml.client_id = m.client_id
            LEFT JOIN labels l ON l.id = ml.label_id
            WHERE m.client_id = \(clientID) AND m.id = ANY(\(machineIDs)) ORDER BY m.id, l.key
            """, logger: logger)
        for try await (machine, label, key, value, color) in rows.decode((UUID, UUID?, String?, String?, String?).self) {
            var list = result[machine] ?? []
            if let label, let key, let value, let color { list.append(MachineLabel(labelID: label, key: key, value: value, color: color)) }
            result[machine] = list
        }
        return result
    }
}
