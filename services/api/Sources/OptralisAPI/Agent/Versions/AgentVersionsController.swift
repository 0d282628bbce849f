import Foundation
import Hummingbird
import OptralisCore

/// `/api/admin/agent-versions` (list, detail, create, edit, delete, promote) and
/// `/api/admin/agent-downloads` for the super_admin. Every change rewrites the channel's
/// metadata files and empties the cached latest versions (`agent:version:*`), so heartbeats
/// offer the new version at once.
struct AgentVersionsController {
    let versions: AgentVersionStore
    let downloads: AgentDownloads
    /// `PUBLIC_URL`: download URLs of files placed in the downloads directory.
    let publicURL: String
    let cache: FleetCache
    let activity: ActivityLogger

    struct CreateRequest: Decodable {
        let version: String?
        let channel: String?
        let platform: String?
        let architecture: String?
        let downloadURL: String?
        let checksumSHA256: String?
        let fileSizeBytes: Int64?
        let changelog: String?
        let fileName: String?
        let isActive: Bool?
        enum CodingKeys: String, CodingKey {
            case version, channel, platform, architecture, changelog
            case downloadURL = "download_url", checksumSHA256 = "checksum_sha256", fileSizeBytes = "file_size_bytes", fileName = "file_name",
                isActive = "is_active"
        }
    }

    struct UpdateRequest: Decodable {
        let downloadURL: String?
        let changelog: String?
        let isActive: Bool?
        enum CodingKeys: String, CodingKey { case downloadURL = "download_url", changelog, isActive = "is_active" }
    }

    struct VersionList: ResponseEncodable { let versions: [AgentVersionStore.Record] }
    struct FileList: ResponseEncodable { let files: [AgentDownloads.File] }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("agent-versions") { request, _ -> VersionList in
            let query = request.uri.queryParameters
            return VersionList(versions: try await versions.list(channel: query["channel"].map(String.init), platform: query["platform"].map(String.init)))
        }
        group.get("agent-versions/:id") { _, context -> AgentVersionStore.Record in
            guard let version = try await versions.find(id: try Validation.pathID(context)) else { throw APIError.notFound("agent version") }
            return version
        }
        group.post("agent-versions") { request, context -> EditedResponse<AgentVersionStore.Record> in
            let new = try validated(try await request.decode(as: CreateRequest.self, context: context))
            let identity = try context.requireIdentity()
            let created = try await versions.create(new, by: identity.userID)
            try await changed(channel: created.channel, platform: created.platform)
            await record(context, "Version agent créée", created)
            return EditedResponse(status: .created, response: created)
        }
        group.put("agent-versions/:id") { request, context -> AgentVersionStore.Record in
            let body = try await request.decode(as: UpdateRequest.self, context: context)
            if let url = body.downloadURL { try Self.checkURL(url) }
            guard (body.changelog?.unicodeScalars.count ?? 0) <= 10_000 else { throw APIError.validation("changelog must be at most 10000 characters") }
            guard body.isActive != false else {
                throw AgentVersionError.activeVersionRequired
            }
            guard
                let updated = try await versions.update(
                    id: try Validation.pathID(context), .init(downloadURL: body.downloadURL, changelog: body.changelog, isActive: body.isActive))
            else { throw APIError.notFound("agent version") }
            try await changed(channel: updated.channel, platform: updated.platform)
            await record(context, "Version agent modifiée", updated)
            return updated
        }
        group.post("agent-versions/:id/promote") { _, context -> AgentVersionStore.Record in
            guard let promoted = try await versions.promote(id: try Validation.pathID(context), by: try context.requireIdentity().userID) else {
                throw APIError.notFound("agent version")
            }
            try await changed(channel: promoted.channel, platform: promoted.platform)
            await record(context, "Version agent promue en stable", promoted)
            return promoted
        }
        group.delete("agent-versions/:id") { _, context -> CountDone in
            guard let deleted = try await versions.delete(id: try Validation.pathID(context)) else { throw APIError.notFound("agent version") }
            if let path = deleted.filePath, try await !versions.fileInUse(path) { downloads.remove(relativePath: path) }
            try await changed(channel: deleted.channel, platform: deleted.platform)
            await record(context, "Version agent supprimée", deleted, level: .warn)
            return CountDone(count: 1)
        }
        group.get("agent-downloads") { _, _ -> FileList in FileList(files: downloads.files()) }
    }

    private func validated(_ body: CreateRequest) throws -> AgentVersionStore.New {
        guard let version = body.version, version.wholeMatch(of: /v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]{1,30})?/) != nil else {
            throw APIError.validation("version must look like 1.2.3 (optionally -beta.1)")
        }
        let channel = body.channel ?? "stable"
        guard AgentDownloads.channels.contains(channel) else { throw APIError.validation("channel must be stable or beta") }
        guard let platform = body.platform, ["windows", "linux"].contains(platform) else { throw APIError.validation("platform must be windows or linux") }
        let architecture = body.architecture ?? "amd64"
        guard AgentCatalog.architectures.contains(architecture) else { throw APIError.validation("architecture must be amd64 or arm64") }
        let changelog = body.changelog ?? ""
        guard changelog.unicodeScalars.count <= 10_000 else { throw APIError.validation("changelog must be at most 10000 characters") }
        var new = AgentVersionStore.New(
            version: version, channel: channel, platform: platform, architecture: architecture, downloadURL: "", filePath: nil, checksumSHA256: "",
            fileSizeBytes: 0, changelog: changelog, isActive: body.isActive ?? true)
        if let name = body.fileName {
            let file = try downloads.describe(name: name, channel: channel)
            if let stated = body.checksumSHA256, stated.lowercased() != file.sha256 {
                throw AgentVersionError.checksumMismatch(actual: file.sha256)
            }
            try downloads.checkSignature(of: file.path)
            new.filePath = file.path
            new.checksumSHA256 = file.sha256
            new.fileSizeBytes = file.size
            new.downloadURL = body.downloadURL ?? "\(publicURL)/downloads/\(file.path)"
        } else {
            guard let url = body.downloadURL, let checksum = body.checksumSHA256?.lowercased(), let size = body.fileSizeBytes else {
                throw APIError.validation("give file_name (a file in the downloads directory) or download_url, checksum_sha256 and file_size_bytes")
            }
            guard checksum.wholeMatch(of: /[0-9a-f]{64}/) != nil else { throw APIError.validation("checksum_sha256 must be 64 hex digits") }
            guard size > 0 else { throw APIError.validation("file_size_bytes must be positive") }
            new.downloadURL = url
            new.checksumSHA256 = checksum
            new.fileSizeBytes = size
        }
        try Self.checkURL(new.downloadURL)
        return new
    }

    private static func checkURL(_ url: String) throws {
        guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme ?? ""), components.host?.isEmpty == false else {
            throw APIError.validation("download_url must be an http(s) URL")
        }
    }

    /// Metadata files and cached offers follow the table.
    private func changed(channel: String, platform: String) async throws {
        await cache.invalidateAgentVersions()
        try downloads.writeMetadata(channel: channel, platform: platform, versions: try await versions.active(channel: channel, platform: platform))
    }

    private func record(_ context: APIRequestContext, _ message: String, _ version: AgentVersionStore.Record, level: ActivityLogger.Level = .info) async {
        await activity.record(
            .system, message, level: level,
            metadata: ["version": version.version, "channel": version.channel, "platform": version.platform, "architecture": version.architecture],
            userID: context.identity?.userID, ip: context.clientIP)
    }
}

extension AgentVersionStore.Record: ResponseEncodable {}
