import Crypto
import Foundation
import OptralisTestSupport
import Testing

@Suite("Admin: agent versions, their files and metadata")
struct AgentVersionsTests {
    @Test func versions_are_created_from_files_promoted_and_deleted_with_their_files_and_metadata() async throws {
        let downloads = FileManager.default.temporaryDirectory.appendingPathComponent("optralis-downloads-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: "\(downloads)/beta", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: downloads) }
        let binary = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try binary.write(to: URL(fileURLWithPath: "\(downloads)/beta/optralis-agent-1.2.0-linux-amd64"))
        // Its signature, which agents fetch beside the download (docs/update-signing.md).
        let signature = Data(repeating: 7, count: 64).base64EncodedString() + "\n"
        try signature.write(toFile: "\(downloads)/beta/optralis-agent-1.2.0-linux-amd64.sig", atomically: true, encoding: .utf8)
        try binary.write(to: URL(fileURLWithPath: "\(downloads)/beta/unsigned-1.2.1"))
        try binary.write(to: URL(fileURLWithPath: "\(downloads)/beta/garbled-1.2.1"))
        try Data(repeating: 7, count: 63).base64EncodedString().write(toFile: "\(downloads)/beta/garbled-1.2.1.sig", atomically: true, encoding: .utf8)
        let checksum = SHA256.hash(data: binary).map { String(format: "%02x", $0) }.joined()

        try await APIHarness.run(environment: ["AGENT_DOWNLOADS_DIR": downloads]) { api in
            let root = try await api.login(try await api.seedUser(client: nil, role: "super_admin").email).access
            let tenantAdmin = try await api.login(try await api.seedUser(client: try await api.seedClient(), role: "admin").email).access
            #expect(try await api.send(.get, "/api/admin/agent-versions", token: tenantAdmin).status == .forbidden)

            let first = try await api.send(
                .post, "/api/admin/agent-versions", token: root,
                json: [
                    "version": "1.2.0", "channel": "beta", "platform": "linux", "architecture": "amd64", "file_name": "optralis-agent-1.2.0-linux-amd64",
                    "changelog": "- First beta",
                ])
            #expect(first.status == .created, "\(first.text)")
            #expect(first.string("checksum_sha256") == checksum && first.json["file_size_bytes"] as? Int == binary.count, "computed from the file")
            #expect(first.string("download_url") == "https://monitoring.test/downloads/beta/optralis-agent-1.2.0-linux-amd64")
            let firstID = try #require(first.string("id"))
            let served = try await api.send(.get, "/downloads/beta/optralis-agent-1.2.0-linux-amd64")
            #expect(served.status == .ok && served.body.readableBytes == binary.count, "the api serves the downloads directory")
            #expect(try await api.send(.get, "/downloads/beta/optralis-agent-1.2.0-linux-amd64.sig").text == signature, "and the signature beside")
            #expect(try Self.metadata(downloads, "beta", "linux")?.first?["version"] as? String == "1.2.0")

            func latestBeta() async throws -> String? {
                try await api.send(.get, "/api/public/latest-version?channel=beta&platform=linux&architecture=amd64").string("version")
            }
            #expect(try await latestBeta() == "1.2.0")

            // Refused: bad version, wrong checksum, a path instead of a name, a duplicate, nothing to point at.
            let bad: [([String: Any], String)] = [
                (
                    ["version": "one", "platform": "linux", "download_url": "https://x.test/a", "checksum_sha256": checksum, "file_size_bytes": 1],
                    "VALIDATION_ERROR"
                ),
                (
                    [
                        "version": "1.2.1", "channel": "beta", "platform": "linux", "file_name": "optralis-agent-1.2.0-linux-amd64",
                        "checksum_sha256": String(repeating: "0", count: 64),
                    ], "CHECKSUM_MISMATCH"
                ),
                (["version": "1.2.1", "channel": "beta", "platform": "linux", "file_name": "../../etc/passwd"], "VALIDATION_ERROR"),
                (["version": "1.2.1", "channel": "beta", "platform": "linux", "file_name": "missing.bin"], "FILE_NOT_FOUND"),
                (["version": "1.2.1", "channel": "beta", "platform": "linux", "file_name": "unsigned-1.2.1"], "SIGNATURE_MISSING"),
                (["version": "1.2.1", "channel": "beta", "platform": "linux", "file_name": "garbled-1.2.1"], "SIGNATURE_INVALID"),
                (["version": "1.2.1", "platform": "linux"], "VALIDATION_ERROR"),
                (
                    ["version": "1.2.1", "platform": "linux", "download_url": "ftp://x.test/a", "checksum_sha256": checksum, "file_size_bytes": 1],
                    "VALIDATION_ERROR"
                ),
            ]
            for (body, code) in bad {
                let reply = try await api.send(.post, "/api/admin/agent-versions", token: root, json: body)
                #expect(reply.status == .badRequest && reply.code == code, "\(body): \(reply.text)")
            }
            for name in ["unsigned-1.2.1", "garbled-1.2.1", "garbled-1.2.1.sig"] { try FileManager.default.removeItem(atPath: "\(downloads)/beta/\(name)") }
            let duplicate = try await api.send(
                .post, "/api/admin/agent-versions", token: root,
                json: [
                    "version": "1.2.0", "channel": "beta", "platform": "linux", "architecture": "amd64", "file_name": "optralis-agent-1.2.0-linux-amd64",
                ])
            #expect(duplicate.status == .conflict && duplicate.code == "VERSION_EXISTS")

            // A newer beta hosted elsewhere replaces it as the active one; the cached offer follows.
            let second = try await api.send(
                .post, "/api/admin/agent-versions", token: root,
                json: [
                    "version": "1.3.0-beta.1", "channel": "beta", "platform": "linux", "architecture": "amd64",
                    "download_url": "https://cdn.example.com/optralis-agent-1.3.0", "checksum_sha256": String(repeating: "ab", count: 32),
                    "file_size_bytes": 1234,
                ])
            let secondID = try #require(second.string("id"), "\(second.text)")
            #expect(try await latestBeta() == "1.3.0-beta.1", "agent:version:* emptied on change")
            #expect(try await api.send(.get, "/api/admin/agent-versions/\(firstID)", token: root).json["is_active"] as? Bool == false)
            #expect(try Self.metadata(downloads, "beta", "linux")?.map { $0["version"] as? String } == ["1.3.0-beta.1"])

            let promoted = try await api.send(.post, "/api/admin/agent-versions/\(secondID)/promote", token: root)
            #expect(promoted.status == .ok && promoted.string("channel") == "stable" && promoted.json["is_active"] as? Bool == true, "\(promoted.text)")
            #expect(try await api.send(.get, "/api/public/latest-version?platform=linux").string("version") == "1.3.0-beta.1")
            #expect(try Self.metadata(downloads, "stable", "linux")?.count == 1)
            #expect(try await api.send(.post, "/api/admin/agent-versions/\(try #require(promoted.string("id")))/promote", token: root).code == "ALREADY_STABLE")

            let edited = try await api.send(.put, "/api/admin/agent-versions/\(firstID)", token: root, json: ["is_active": true, "changelog": "- Back"])
            #expect(edited.json["is_active"] as? Bool == true && edited.string("changelog") == "- Back", "\(edited.text)")
            #expect(try await latestBeta() == "1.2.0")
            #expect(try await api.send(.put, "/api/admin/agent-versions/\(firstID)", token: root, json: ["is_active": false]).code == "ACTIVE_VERSION_REQUIRED")

            // Deleting the active beta activates the next newest; deleting the last removes its file and metadata.
            #expect(try await api.send(.delete, "/api/admin/agent-versions/\(firstID)", token: root).status == .ok)
            #expect(try await latestBeta() == "1.3.0-beta.1", "the remaining beta became active")
            #expect(!FileManager.default.fileExists(atPath: "\(downloads)/beta/optralis-agent-1.2.0-linux-amd64"), "its file is gone")
            #expect(!FileManager.default.fileExists(atPath: "\(downloads)/beta/optralis-agent-1.2.0-linux-amd64.sig"), "its signature too")
            #expect(try await api.send(.delete, "/api/admin/agent-versions/\(secondID)", token: root).status == .ok)
            #expect(!FileManager.default.fileExists(atPath: "\(downloads)/beta/metadata-linux.json"), "no active beta left: no metadata")
            #expect(try await api.send(.get, "/api/public/latest-version?channel=beta&platform=linux").status == .notFound)
            #expect(try await api.send(.delete, "/api/admin/agent-versions/\(secondID)", token: root).status == .notFound)
            #expect(try await api.send(.get, "/api/admin/agent-versions/not-a-uuid", token: root).status == .badRequest)

            let files = try await api.send(.get, "/api/admin/agent-downloads", token: root).json["files"] as? [[String: Any]] ?? []
            #expect(files.map { $0["path"] as? String } == ["stable/metadata-linux.json"], "\(files)")
            let logged = try await api.database.withClient { db in
                try await db.query("SELECT count(*)::int FROM activity_logs WHERE message LIKE 'Version agent%'", logger: testLogger)
                    .decode(Int.self).reduce(into: 0) { $0 = $1 }
            }
            #expect(logged == 6, "created ×2, promoted, modified, deleted ×2")
        }
    }

    static func metadata(_ root: String, _ channel: String, _ platform: String) throws -> [[String: Any]]? {
        guard let data = FileManager.default.contents(atPath: "\(root)/\(channel)/metadata-\(platform).json") else { return nil }
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["versions"] as? [[String: Any]]
    }
}
