import Crypto
import Foundation
import OptralisCore
import OptralisUpdateSigning

/// The agent builds on disk (`AGENT_DOWNLOADS_DIR`, served at `/downloads`): one folder per
/// channel holding the binaries and, per platform, the metadata file that lists the active
/// version of each architecture (`metadata-linux.json`; `metadata-windows.json` and the older
/// `metadata.json` for Windows). Paths stored in `agent_versions.file_path` are relative
/// (`<channel>/<file>`) and never leave the directory.
struct AgentDownloads: Sendable {
    let root: String

    struct File: Codable, Sendable {
        let channel: String
        let name: String
        let path: String
        let sizeBytes: Int64
        let modifiedAt: Date?
        enum CodingKeys: String, CodingKey { case channel, name, path, sizeBytes = "size_bytes", modifiedAt = "modified_at" }
    }

    /// What a version's metadata entry says (the updater and installers read these files).
    struct MetadataEntry: Encodable {
        let version: String
        let architecture: String
        let downloadURL: String
        let checksumSHA256: String
        let fileSizeBytes: Int64
        let changelog: String
        let releasedAt: Date
        enum CodingKeys: String, CodingKey {
            case version, architecture, changelog
            case downloadURL = "download_url", checksumSHA256 = "checksum_sha256", fileSizeBytes = "file_size_bytes", releasedAt = "released_at"
        }
    }

    struct Metadata: Encodable {
        let channel: String
        let platform: String
        let generatedAt: Date
        let versions: [MetadataEntry]
        enum CodingKeys: String, CodingKey { case channel, platform, versions, generatedAt = "generated_at" }
    }

    static let channels = ["stable", "beta"]

    /// `<channel>/<name>` of an existing file, with its SHA-256 and size.
    func describe(name: String, channel: String) throws -> (path: String, sha256: String, size: Int64) {
        guard name.wholeMatch(of: /[A-Za-z0-9][A-Za-z0-9._-]{0,199}/) != nil, !name.contains("..") else {
            throw AppError.validation("file_name must be a plain file name (letters, digits, . _ -)")
        }
        let relative = "\(channel)/\(name)"
        guard let handle = FileHandle(forReadingAtPath: "\(root)/\(relative)") else {
            throw AgentVersionError.fileNotFound(relative)
        }
        defer { try? handle.close() }
        var hash = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hash.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (relative, hash.finalize().hexString, size)
    }

    /// A build of the directory is published only with its signature beside it (`<file>.sig`,
    /// one line of base64 of 64 bytes), since agents refuse a build without one. Whether it
    /// verifies only agents can tell: the api holds no key (docs/update-signing.md).
    func checkSignature(of relativePath: String) throws {
        guard let text = try? String(contentsOfFile: "\(root)/\(relativePath).sig", encoding: .utf8) else {
            throw AgentVersionError.signatureMissing(relativePath)
        }
        guard UpdateSigningText.signature(text) != nil else {
            throw AgentVersionError.signatureInvalid(relativePath)
        }
    }

    /// Removes a version's file and its signature (`<file>.sig`), if they are inside the directory.
    func remove(relativePath: String) {
        guard !relativePath.contains(".."), !relativePath.hasPrefix("/") else { return }
        try? FileManager.default.removeItem(atPath: "\(root)/\(relativePath)")
        try? FileManager.default.removeItem(atPath: "\(root)/\(relativePath).sig")
    }

    /// Rewrites (or, with no active version, removes) the platform's metadata files of a channel.
    func writeMetadata(channel: String, platform: String, versions: [AgentVersionStore.Record]) throws {
        let folder = "\(root)/\(channel)"
        let names = platform == "windows" ? ["metadata-windows.json", "metadata.json"] : ["metadata-\(platform).json"]
        guard !versions.isEmpty else {
            for name in names { try? FileManager.default.removeItem(atPath: "\(folder)/\(name)") }
            return
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(
            Metadata(
                channel: channel, platform: platform, generatedAt: Date(),
                versions: versions.map {
                    MetadataEntry(
                        version: $0.version, architecture: $0.architecture, downloadURL: $0.downloadURL, checksumSHA256: $0.checksumSHA256,
                        fileSizeBytes: $0.fileSizeBytes, changelog: $0.changelog, releasedAt: $0.createdAt)
                }))
        for name in names {
            // Written beside, then renamed: a reader never sees half a file.
            let temporary = "\(folder)/.\(name).\(UUID().uuidString)"
            try data.write(to: URL(fileURLWithPath: temporary))
            if rename(temporary, "\(folder)/\(name)") != 0 {
                try? FileManager.default.removeItem(atPath: temporary)
                throw AgentVersionError.downloadsUnwritable("\(folder)/\(name)")
            }
        }
    }

    /// The files of every channel folder (metadata files included).
    func files() -> [File] {
        Self.channels.flatMap { channel -> [File] in
            let folder = "\(root)/\(channel)"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            return names.filter { !$0.hasPrefix(".") }.sorted().compactMap { name in
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: "\(folder)/\(name)"),
                    attributes[.type] as? FileAttributeType == .typeRegular
                else { return nil }
                return File(
                    channel: channel, name: name, path: "\(channel)/\(name)", sizeBytes: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                    modifiedAt: attributes[.modificationDate] as? Date)
            }
        }
    }
}
