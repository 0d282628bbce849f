import Foundation
import Logging
import PostgresNIO

/// The SQL of the agent catalog: the newest active version of a channel, platform and
/// architecture, and the supported OS builds (`agent_requirements`, one row).
struct AgentCatalogStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    func newest(channel: String, platform: String, architecture: String) async throws -> AgentCatalog.Version? {
        for try await row in try await database.query(
            """
            SELECT id, version, channel, platform, architecture, download_url, checksum_sha256, file_size_bytes, changelog, is_active, created_at
            FROM agent_versions WHERE is_active AND channel = \(channel) AND platform = \(platform) AND architecture = \(architecture)
            ORDER BY created_at DESC LIMIT 1
            """, logger: logger
        ).decode((UUID, String, String, String, String, String, String, Int64, String, Bool, Date).self) {
            return AgentCatalog.Version(
                id: row.0, version: row.1, channel: row.2, platform: row.3, architecture: row.4, downloadURL: row.5, checksumSHA256: row.6,
                fileSizeBytes: row.7, changelog: row.8, isActive: row.9, createdAt: row.10)
        }
        return nil
    }

    func requirements() async throws -> AgentCatalog.Requirements {
        for try await row in try await database.query(
            """
            SELECT windows_client_enabled, windows_client_min_build, windows_server_enabled, windows_server_min_build, linux_enabled, unsupported_os_message
            FROM agent_requirements LIMIT 1
            """, logger: logger
        ).decode((Bool, Int, Bool, Int, Bool, String?).self) {
            return AgentCatalog.Requirements(
                windowsClientEnabled: row.0, windowsClientMinBuild: row.1, windowsServerEnabled: row.2, windowsServerMinBuild: row.3,
                linuxEnabled: row.4, unsupportedOSMessage: row.5)
        }
        return AgentCatalog.Requirements(
            windowsClientEnabled: true, windowsClientMinBuild: 0, windowsServerEnabled: true, windowsServerMinBuild: 0, linuxEnabled: true,
            unsupportedOSMessage: nil)
    }

    func update(_ requirements: AgentCatalog.Requirements, by user: UUID) async throws {
        let body = requirements
        try await database.query(
            """
            UPDATE agent_requirements SET windows_client_enabled = \(body.windowsClientEnabled), windows_client_min_build = \(body.windowsClientMinBuild),
                windows_server_enabled = \(body.windowsServerEnabled), windows_server_min_build = \(body.windowsServerMinBuild),
                linux_enabled = \(body.linuxEnabled), unsupported_os_message = \(body.unsupportedOSMessage), updated_by = \(user), updated_at = now()
            """, logger: logger)
    }
}
