import Foundation
import Logging
import OptralisCore
import OptralisPostgres
import PostgresNIO

/// `agent_versions`: the agent builds offered per channel, platform and architecture. At most
/// one is active per (channel, platform, architecture) (a partial unique index); activating one
/// deactivates the others in the same transaction.
struct AgentVersionStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Record: Codable, Sendable {
        let id: UUID
        let version: String
        let channel: String
        let platform: String
        let architecture: String
        let downloadURL: String
        let filePath: String?
        let checksumSHA256: String
        let fileSizeBytes: Int64
        let changelog: String
        let isActive: Bool
        let createdAt: Date
        let updatedAt: Date
        enum CodingKeys: String, CodingKey {
            case id, version, channel, platform, architecture, changelog
            case downloadURL = "download_url", filePath = "file_path", checksumSHA256 = "checksum_sha256", fileSizeBytes = "file_size_bytes",
                isActive = "is_active", createdAt = "created_at", updatedAt = "updated_at"
        }
    }

    struct New: Sendable {
        var version: String
        var channel: String
        var platform: String
        var architecture: String
        var downloadURL: String
        var filePath: String?
        var checksumSHA256: String
        var fileSizeBytes: Int64
        var changelog: String
        var isActive: Bool
    }

    private static let columns = """
        id, version, channel, platform, architecture, download_url, file_path, checksum_sha256, file_size_bytes, changelog, is_active, created_at, updated_at
        """
    private typealias Row = (UUID, String, String, String, String, String, String?, String, Int64, String, Bool, Date, Date)

    private static func record(_ row: Row) -> Record {
        Record(
            id: row.0, version: row.1, channel: row.2, platform: row.3, architecture: row.4, downloadURL: row.5, filePath: row.6,
            checksumSHA256: row.7, fileSizeBytes: row.8, changelog: row.9, isActive: row.10, createdAt: row.11, updatedAt: row.12)
    }

    private func records(_ query: PostgresQuery, on connection: PostgresConnection? = nil) async throws -> [Record] {
        let rows = if let connection { try await connection.query(query, logger: logger) } else { try await database.query(query, logger: logger) }
        return try await rows.decode(Row.self).reduce(into: []) { $0.append(Self.record($1)) }
    }

    func list(channel: String?, platform: String?) async throws -> [Record] {
        try await records(
            """
            SELECT \(unescaped: Self.columns) FROM agent_versions
            WHERE (\(channel)::text IS NULL OR channel = \(channel)) AND (\(platform)::text IS NULL OR platform = \(platform))
            ORDER BY platform, architecture, channel, created_at DESC
            """)
    }

    func find(id: UUID) async throws -> Record? {
        try await records("SELECT \(unescaped: Self.columns) FROM agent_versions WHERE id = \(id)").first
    }

    /// The active versions of a channel and platform (the metadata files list them).
    func active(channel: String, platform: String) async throws -> [Record] {
        try await records(
            "SELECT \(unescaped: Self.columns) FROM agent_versions WHERE is_active AND channel = \(channel) AND platform = \(platform) ORDER BY architecture")
    }

    func create(_ new: New, by userID: UUID) async throws -> Record {
        try await database.transaction(logger: logger) { connection in
            if new.isActive { try await deactivate(channel: new.channel, platform: new.platform, architecture: new.architecture, on: connection) }
            let rows = try await records(
                """
                INSERT INTO agent_versions (version, channel, platform, architecture, download_url, file_path, checksum_sha256, file_size_bytes, changelog, is_active, created_by)
                VALUES (\(new.version), \(new.channel), \(new.platform), \(new.architecture), \(new.downloadURL), \(new.filePath), \(new.checksumSHA256),
                        \(new.fileSizeBytes), \(new.changelog), \(new.isActive), \(userID))
                ON CONFLICT (version, channel, platform, architecture) DO NOTHING
                RETURNING \(unescaped: Self.columns)
                """, on: connection)
            guard let created = rows.first else {
                throw AgentVersionError.exists(version: new.version, channel: new.channel, platform: new.platform, architecture: new.architecture)
            }
            return created
        }
    }

    struct Changes: Sendable {
        var downloadURL: String?
        var changelog: String?
        var isActive: Bool?
    }

    func update(id: UUID, _ changes: Changes) async throws -> Record? {
        try await database.transaction(logger: logger) { connection in
            guard let current = try await records("SELECT \(unescaped: Self.columns) FROM agent_versions WHERE id = \(id) FOR UPDATE", on: connection).first
            else {
                return nil
            }
            if changes.isActive == true, !current.isActive {
                try await deactivate(channel: current.channel, platform: current.platform, architecture: current.architecture, on: connection)
            }
            return try await records(
                """
                UPDATE agent_versions SET download_url = COALESCE(\(changes.downloadURL), download_url), changelog = COALESCE(\(changes.changelog), changelog),
                    is_active = COALESCE(\(changes.isActive), is_active), updated_at = now()
                WHERE id = \(id) RETURNING \(unescaped: Self.columns)
                """, on: connection
            ).first
        }
    }

    /// A copy of the version on the stable channel, made active there (or the existing stable
    /// copy, re-activated).
    func promote(id: UUID, by userID: UUID) async throws -> Record? {
        try await database.transaction(logger: logger) { connection in
            guard let source = try await records("SELECT \(unescaped: Self.columns) FROM agent_versions WHERE id = \(id)", on: connection).first else {
                return nil
            }
            guard source.channel != "stable" else {
                throw AgentVersionError.alreadyStable(version: source.version)
            }
            try await deactivate(channel: "stable", platform: source.platform, architecture: source.architecture, on: connection)
            return try await records(
                """
                INSERT INTO agent_versions (version, channel, platform, architecture, download_url, file_path, checksum_sha256, file_size_bytes, changelog, is_active, created_by)
                VALUES (\(source.version), 'stable', \(source.platform), \(source.architecture), \(source.downloadURL), \(source.filePath),
                        \(source.checksumSHA256), \(source.fileSizeBytes), \(source.changelog), true, \(userID))
                ON CONFLICT (version, channel, platform, architecture) DO UPDATE SET is_active = true, updated_at = now()
                RETURNING \(unescaped: Self.columns)
                """, on: connection
            ).first
        }
    }

    /// Deletes the version; when it was active, the newest other version of its channel,
    /// platform and architecture becomes active. Returns the deleted row.
    func delete(id: UUID) async throws -> Record? {
        try await database.transaction(logger: logger) { connection in
            guard let deleted = try await records("DELETE FROM agent_versions WHERE id = \(id) RETURNING \(unescaped: Self.columns)", on: connection).first
            else {
                return nil
            }
            if deleted.isActive {
                try await connection.query(
                    """
                    UPDATE agent_versions SET is_active = true, updated_at = now() WHERE id = (
                        SELECT id FROM agent_versions WHERE channel = \(deleted.channel) AND platform = \(deleted.platform)
                            AND architecture = \(deleted.architecture) ORDER BY created_at DESC LIMIT 1)
                    """, logger: logger)
            }
            return deleted
        }
    }

    /// Whether another version still points at this file (promoted copies share it).
    func fileInUse(_ path: String) async throws -> Bool {
        try await database.query("SELECT 1 FROM agent_versions WHERE file_path = \(path) LIMIT 1", logger: logger)
            .decode(Int.self).reduce(into: false) { found, _ in found = true }
    }

    private func deactivate(channel: String, platform: String, architecture: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE agent_versions SET is_active = false, updated_at = now()
            WHERE is_active AND channel = \(channel) AND platform = \(platform) AND architecture = \(architecture)
            """, logger: logger)
    }
}
