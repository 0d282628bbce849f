import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// `sites` (spec "Multi-Sites (Business+)"), moving machines in and out of them, and the health
/// figures of each site. Every statement is scoped by client.
struct SiteStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    /// A site as the routes show it.
    struct Site: Codable, Sendable {
        let id: UUID
        let name: String
        let location: String?
        let timezone: String
        let machineCount: Int
        let createdAt: Date
        let updatedAt: Date
        enum CodingKeys: String, CodingKey {
            case id, name, location, timezone, machineCount = "machine_count", createdAt = "created_at", updatedAt = "updated_at"
        }

        /// `location` is written as null when empty, not left out.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(location, forKey: .location)
            try container.encode(timezone, forKey: .timezone)
            try container.encode(machineCount, forKey: .machineCount)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(updatedAt, forKey: .updatedAt)
        }
    }

    private static let select = """
        SELECT s.id, s.name, s.location, s.timezone,
               (SELECT count(*) FROM machines m WHERE m.site_id = s.id AND m.client_id = s.client_id)::int, s.created_at, s.updated_at
        FROM sites s
        """

    private func sites(_ query: PostgresQuery) async throws -> [Site] {
        try await database.query(query, logger: logger).decode((UUID, String, String?, String, Int, Date, Date).self).reduce(into: []) {
            $0.append(Site(id: $1.0, name: $1.1, location: $1.2, timezone: $1.3, machineCount: $1.4, createdAt: $1.5, updatedAt: $1.6))
        }
    }

    func all(clientID: UUID) async throws -> [Site] {
        try await sites("\(unescaped: Self.select) WHERE s.client_id = \(clientID) ORDER BY s.name")
    }

    func find(id: UUID, clientID: UUID) async throws -> Site? {
        try await sites("\(unescaped: Self.select) WHERE s.id = \(id) AND s.client_id = \(clientID)").first
    }

    func create(clientID: UUID, name: String, location: String?, timezone: String) async throws -> Site {
        let id = try await unique(name) {
            try await database.query(
                "INSERT INTO sites (client_id, name, location, timezone) VALUES (\(clientID), \(name), \(location), \(timezone)) RETURNING id",
                logger: logger
            ).decode(UUID.self).reduce(into: UUID?.none) { $0 = $1 }
        }
        return try await sites("\(unescaped: Self.select) WHERE s.id = \(id!)")[0]
    }

    /// nil fields keep their value; `clearLocation` empties the location.
    func update(id: UUID, clientID: UUID, name: String?, location: String?, clearLocation: Bool, timezone: String?) async throws -> Site? {
        let updated = try await unique(name ?? "") {
            try await database.query(
                """
                UPDATE sites SET name = COALESCE(\(name), name),
                                 location = CASE WHEN \(clearLocation) THEN NULL ELSE COALESCE(\(location), location) END,
                                 timezone = COALESCE(\(timezone), timezone), updated_at = now()
                WHERE id = \(id) AND client_id = \(clientID) RETURNING id
                """, logger: logger
            ).decode(UUID.self).reduce(into: UUID?.none) { $0 = $1 }
        }
        guard let updated else { return nil }
        return try await sites("\(unescaped: Self.select) WHERE s.id = \(updated)").first
    }

    /// Its machines stay, without a site; the channels limited to it go (migration 0011).
    func delete(id: UUID, clientID: UUID) async throws -> Bool {
        try await database.query("DELETE FROM sites WHERE id = \(id) AND client_id = \(clientID) RETURNING 1", logger: logger)
            .decode(Int.self).reduce(into: false) { found, _ in found = true }
    }

    func exists(id: UUID, clientID: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM sites WHERE id = \(id) AND client_id = \(clientID)", logger: logger)
            .decode(Int.self).reduce(into: false) { found, _ in found = true }
    }

    /// Moves the client's machines to the site (nil: out of any site); how many moved.
    func place(machineIDs: [UUID], siteID: UUID?, clientID: UUID) async throws -> Int {
        try await MachinePlacement(database: database, logger: logger).place(.site, setID: siteID, machineIDs: machineIDs, clientID: clientID)
    }

    /// The health figures of each of the client's sites (one site when `siteID` is given), by name.
    func figures(clientID: UUID, siteID: UUID? = nil) async throws -> [SiteFigures] {
        try await database.query(
            """
            SELECT s.id, s.name, s.location, s.timezone, count(m.id)::int, count(m.health_score)::int,
                   COALESCE(sum(m.health_score), 0)::int8, (count(m.id) FILTER (WHERE \(unescaped: MachineListStore.online)))::int,
                   min(m.health_score)
            FROM sites s LEFT JOIN machines m ON m.site_id = s.id AND m.client_id = s.client_id
            WHERE s.client_id = \(clientID) AND (\(siteID)::uuid IS NULL OR s.id = \(siteID))
            GROUP BY s.id ORDER BY s.name
            """, logger: logger
        ).decode((UUID, String, String?, String, Int, Int, Int64, Int, Int?).self).reduce(into: []) {
            $0.append(
                SiteFigures(
                    siteID: $1.0, name: $1.1, location: $1.2, timezone: $1.3,
                    tally: .init(machines: $1.4, scored: $1.5, scoreSum: Int($1.6), online: $1.7, lowestScore: $1.8)))
        }
    }

    /// The same figures for the client's machines of no site.
    func unassigned(clientID: UUID) async throws -> SiteFigures.Tally {
        let rows = try await database.query(
            """
            SELECT count(m.id)::int, count(m.health_score)::int, COALESCE(sum(m.health_score), 0)::int8,
                   (count(m.id) FILTER (WHERE \(unescaped: MachineListStore.online)))::int, min(m.health_score)
            FROM machines m WHERE m.client_id = \(clientID) AND m.site_id IS NULL
            """, logger: logger
        )
        for try await row in rows.decode((Int, Int, Int64, Int, Int?).self) {
            return SiteFigures.Tally(machines: row.0, scored: row.1, scoreSum: Int(row.2), online: row.3, lowestScore: row.4)
        }
        return .zero
    }

    private func unique<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
        try await MachinePlacement.uniqueName(SiteError.exists(name), body)
    }
}
