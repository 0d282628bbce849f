import Foundation
import Hummingbird
import Logging
import OptralisCore
import PostgresNIO

/// What installers and the dashboard read before an agent exists: the latest agent version per
/// channel, platform and architecture (`GET /api/public/latest-version`), the supported OS
/// builds (`GET /agent/requirements`, public: an installer has no certificate yet), and the
/// super_admin's edit of those requirements (`/api/admin/agent-requirements`).
struct AgentCatalogController {
    let client: PostgresClient
    let activity: ActivityLogger
    let cache: FleetCache
    let logger: Logger

    /// The CPU architectures agents are built for (installer downloads, enrolment, versions).
    static let architectures: Set<String> = ["amd64", "arm64"]

    struct Version: ResponseEncodable, Codable {
        let id: UUID
        let version: String
        let channel: String
        let platform: String
        let architecture: String
        let downloadURL: String
        let checksumSHA256: String
        let fileSizeBytes: Int64
        let changelog: String
        let isActive: Bool
        let createdAt: Date
        enum CodingKeys: String, CodingKey {
            case id, version, channel, platform, architecture, changelog
            case downloadURL = "download_url", checksumSHA256 = "checksum_sha256", fileSizeBytes = "file_size_bytes"
            case isActive = "is_active", createdAt = "created_at"
        }
    }

    struct Requirements: ResponseEncodable, Decodable {
        var windowsClientEnabled: Bool
        var windowsClientMinBuild: Int
        var windowsServerEnabled: Bool
        var windowsServerMinBuild: Int
        var linuxEnabled: Bool
        var unsupportedOSMessage: String?
        enum CodingKeys: String, CodingKey {
            case windowsClientEnabled = "windows_client_enabled", windowsClientMinBuild = "windows_client_min_build"
            case windowsServerEnabled = "windows_server_enabled", windowsServerMinBuild = "windows_server_min_build"
            case linuxEnabled = "linux_enabled", unsupportedOSMessage = "unsupported_os_message"
        }
    }

    func addPublicRoutes(to router: Router<APIRequestContext>) {
        router.get("/api/public/latest-version") { request, _ in try await latestVersion(request.uri.queryParameters) }
        router.get("/agent/requirements") { _, _ in try await requirements() }
    }

    /// The newest active version for the query's channel, platform and architecture (defaults:
    /// stable, windows, amd64); served publicly and on the agents' mTLS port.
    func latestVersion(_ query: Parameters) async throws -> Version {
        let channel = query["channel"].map(String.init) ?? "stable"
        let platform = query["platform"].map(String.init) ?? "windows"
        let architecture = query["architecture"].map(String.init) ?? "amd64"
        guard ["stable", "beta"].contains(channel), ["windows", "linux"].contains(platform), Self.architectures.contains(architecture) else {
            throw APIError.validation("channel must be stable or beta, platform windows or linux, architecture amd64 or arm64")
        }
        guard let version = try await latest(channel: channel, platform: platform, architecture: architecture) else {
            throw AppError.notFound("no agent version for \(channel)/\(platform)/\(architecture)", code: "NOT_FOUND")
        }
        return version
    }

    /// The newest active version of a channel, platform and architecture (the heartbeat's update
    /// offer reads it too), cached 5 minutes under `agent:version:…`.
    func latest(channel: String, platform: String, architecture: String) async throws -> Version? {
        try await cache.value(.agentVersion(channel: channel, platform: platform, architecture: architecture)) {
            try await newest(channel: channel, platform: platform, architecture: architecture)
        }
    }

    private func newest(channel: String, platform: String, architecture: String) async throws -> Version? {
        for try await row in try await client.query(
            """
            SELECT id, version, channel, platform, architecture, download_url, checksum_sha256, file_size_bytes, changelog, is_active, created_at
            FROM agent_versions WHERE is_active AND channel = \(channel) AND platform = \(platform) AND architecture = \(architecture)
            ORDER BY created_at DESC LIMIT 1
            """, logger: logger
        ).decode((UUID, String, String, String, String, String, String, Int64, String, Bool, Date).self) {
            return Version(
                id: row.0, version: row.1, channel: row.2, platform: row.3, architecture: row.4, downloadURL: row.5, checksumSHA256: row.6,
                fileSizeBytes: row.7, changelog: row.8, isActive: row.9, createdAt: row.10)
        }
        return nil
    }

    func addAdminRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("agent-requirements") { _, _ in try await requirements() }
        group.put("agent-requirements") { request, context -> Requirements in
            let body = try await request.decode(as: Requirements.self, context: context)
            try Validation.integer(body.windowsClientMinBuild, field: "windows_client_min_build", in: 0...Validation.maximumInteger)
            try Validation.integer(body.windowsServerMinBuild, field: "windows_server_min_build", in: 0...Validation.maximumInteger)
            let identity = try context.requireIdentity()
            try await client.query(
                """
                UPDATE agent_requirements SET windows_client_enabled = \(body.windowsClientEnabled), windows_client_min_build = \(body.windowsClientMinBuild),
                    windows_server_enabled = \(body.windowsServerEnabled), windows_server_min_build = \(body.windowsServerMinBuild),
                    linux_enabled = \(body.linuxEnabled), unsupported_os_message = \(body.unsupportedOSMessage), updated_by = \(identity.userID), updated_at = now()
                """, logger: logger)
            await activity.record(.system, "Prérequis OS modifiés", userID: identity.userID, ip: context.clientIP)
            return try await requirements()
        }
    }

    func requirements() async throws -> Requirements {
        for try await row in try await client.query(
            """
            SELECT windows_client_enabled, windows_client_min_build, windows_server_enabled, windows_server_min_build, linux_enabled, unsupported_os_message
            FROM agent_requirements LIMIT 1
            """, logger: logger
        ).decode((Bool, Int, Bool, Int, Bool, String?).self) {
            return Requirements(
                windowsClientEnabled: row.0, windowsClientMinBuild: row.1, windowsServerEnabled: row.2, windowsServerMinBuild: row.3,
                linuxEnabled: row.4, unsupportedOSMessage: row.5)
        }
        return Requirements(windowsClientEnabled: true, windowsClientMinBuild: 0, windowsServerEnabled: true, windowsServerMinBuild: 0, linuxEnabled: true, unsupportedOSMessage: nil)
    }
}
