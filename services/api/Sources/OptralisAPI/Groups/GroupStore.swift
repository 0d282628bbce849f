import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// Machine groups (name unique per client, colour), and moving machines in and out of them.
struct GroupStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Group: Codable, Sendable {
        let id: UUID
        let name: String
        let color: String
        let machineCount: Int
        let createdAt: Date
        enum CodingKeys: String, CodingKey { case id, name, color, machineCount = "machine_count", createdAt = "created_at" }
    }

    private static let select = """
        SELECT g.id, g.name, g.color, (SELECT count(*) FROM machines m WHERE m.group_id = g.id AND m.client_id = g.client_id)::int, g.created_at
        FROM groups g
        """

    private func groups(_ query: PostgresQuery) async throws -> [Group] {
        try await database.query(query, logger: logger).decode((UUID, String, String, Int, Date).self).reduce(into: []) {
            $0.append(Group(id: $1.0, name: $1.1, color: $1.2, machineCount: $1.3, createdAt: $1.4))
        }
    }

    func all(clientID: UUID) async throws -> [Group] {
        try await groups("\(unescaped: Self.select) WHERE g.client_id = \(clientID) ORDER BY g.name")
    }

    func create(clientID: UUID, name: String, color: String) async throws -> Group {
        let id = try await unique(name) {
            try await database.query("INSERT INTO groups (client_id, name, color) VALUES (\(clientID), \(name), \(color)) RETURNING id", logger: logger)
                .decode(UUID.self).reduce(into: UUID?.none) { $0 = $1 }
        }
        return try await groups("\(unescaped: Self.select) WHERE g.id = \(id!)")[0]
    }

    func update(id: UUID, clientID: UUID, name: String?, color: String?) async throws -> Group? {
        let updated = try await unique(name ?? "") {
            try await database.query(
                """
                UPDATE groups SET name = COALESCE(\(name), name), color = COALESCE(\(color), color), updated_at = now()
                WHERE id = \(id) AND client_id = \(clientID) RETURNING id
                """, logger: logger
            ).decode(UUID.self).reduce(into: UUID?.none) { $0 = $1 }
        }
        guard let updated else { return nil }
        return try await groups("\(unescaped: Self.select) WHERE g.id = \(updated)").first
    }

    /// Its machines stay, without a group.
    func delete(id: UUID, clientID: UUID) async throws -> Bool {
        try await database.query("DELETE FROM groups WHERE id = \(id) AND client_id = \(clientID) RETURNING 1", logger: logger)
            .decode(Int.self).reduce(into: false) { found, _ in found = true }
    }

    /// Moves the client's machines into the group (nil: out of any group); how many moved.
    func place(machineIDs: [UUID], groupID: UUID?, clientID: UUID) async throws -> Int {
        try await MachinePlacement(database: database, logger: logger).place(.group, setID: groupID, machineIDs: machineIDs, clientID: clientID)
    }

    func exists(id: UUID, clientID: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM groups WHERE id = \(id) AND client_id = \(clientID)", logger: logger)
            .decode(Int.self).reduce(into: false) { found, _ in found = true }
    }

    private func unique<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
        try await MachinePlacement.uniqueName(GroupError.exists(name), body)
    }
}
