import Foundation
import Hummingbird
import OptralisCore

/// What installers, the dashboard and the heartbeat read about agent builds: the latest agent
/// version per channel, platform and architecture (cached 5 minutes under `agent:version:…`, and
/// 30 s in the replica: ``LatestVersionCache``)
/// and the supported OS builds.
struct AgentCatalog: Sendable {
    let store: AgentCatalogStore
    let cache: FleetCache

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
            throw AppError.notFound("no agent version for \(channel)/\(platform)/\(architecture)")
        }
        return version
    }

    /// The newest active version of a channel, platform and architecture (the heartbeat's update
    /// offer reads it too).
    func latest(channel: String, platform: String, architecture: String) async throws -> Version? {
        try await cache.latestVersions.version(.init(channel: channel, platform: platform, architecture: architecture)) {
            try await cache.value(.agentVersion(channel: channel, platform: platform, architecture: architecture)) {
                try await store.newest(channel: channel, platform: platform, architecture: architecture)
            }
        }
    }

    func requirements() async throws -> Requirements { try await store.requirements() }
}
