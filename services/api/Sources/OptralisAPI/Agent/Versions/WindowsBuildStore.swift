import Foundation
import Logging
import OptralisPostgres
import PostgresNIO

/// `windows_builds`: the known Windows builds (seeded by the first migration, refreshed from
/// endoflife.date by the super_admin).
struct WindowsBuildStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Build: Codable, Sendable {
        let id: UUID
        let osType: String
        let buildNumber: Int
        let name: String
        let releaseDate: Date?
        let isActive: Bool
        let sortOrder: Int
        enum CodingKeys: String, CodingKey {
            case id, name
            case osType = "os_type", buildNumber = "build_number", releaseDate = "release_date", isActive = "is_active", sortOrder = "sort_order"
        }
    }

    func all() async throws -> [Build] {
        try await database.query(
            "SELECT id, os_type, build_number, name, release_date::timestamptz, is_active, sort_order FROM windows_builds ORDER BY os_type, sort_order, build_number",
            logger: logger
        ).decode((UUID, String, Int, String, Date?, Bool, Int).self).reduce(into: []) {
            $0.append(Build(id: $1.0, osType: $1.1, buildNumber: $1.2, name: $1.3, releaseDate: $1.4, isActive: $1.5, sortOrder: $1.6))
        }
    }

    /// Inserts the builds not known yet (after the last of their type); a known build keeps its
    /// curated name and gains a release date it lacked. Returns (inserted, updated).
    func upsert(_ builds: [WindowsBuildFeed.Build]) async throws -> (inserted: Int, updated: Int) {
        try await database.transaction(logger: logger) { connection in
            var inserted = 0, updated = 0
            for build in builds.sorted(by: { $0.buildNumber < $1.buildNumber }) {
                let rows = try await connection.query(
                    """
                    INSERT INTO windows_builds (os_type, build_number, name, release_date, sort_order)
                    VALUES (\(build.osType), \(build.buildNumber), \(build.name), \(build.releaseDate)::date,
                            (SELECT COALESCE(max(sort_order), 0) + 10 FROM windows_builds WHERE os_type = \(build.osType)))
                    ON CONFLICT (os_type, build_number) DO UPDATE SET release_date = EXCLUDED.release_date
                        WHERE windows_builds.release_date IS NULL AND EXCLUDED.release_date IS NOT NULL
                    RETURNING xmax = 0
                    """, logger: logger)
                for try await fresh in rows.decode(Bool.self) {
                    if fresh { inserted += 1 } else { updated += 1 }
                }
            }
            return (inserted, updated)
        }
    }
}
