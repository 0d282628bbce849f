import Foundation
import Logging
import OptralisCore
import OptralisCurl
import OptralisTestSupport
import OptralisUpdateSigning
import Testing

@testable import OptralisAgent

/// The updater against a real HTTP server (python's http.server) serving releases and their
/// `.sig` files; the end-to-end tests (OptralisAPITests, AgentEndToEndSignedUpdateTests) run the
/// real agent against the real gateway.
@Suite("Agent updater: signed updates")
struct UpdaterTests {
    /// A folder served over HTTP, the binary an update replaces, and a signing key.
    struct Bed {
        let folder: String
        let binary: String
        let base: String
        let key = UpdateSigner.generate()
        let http = CurlClient(concurrency: 1)

        func updater(trusting keys: [String]) throws -> Updater {
            Updater(http: http, verifier: try UpdateVerifier(publicKeys: keys), logger: Logger(label: "test"), binary: binary)
        }

        /// Serves `bytes` as `name`, signed by `signer` for `version` (no `.sig` when nil).
        func publish(_ name: String, _ bytes: Data, signedBy signer: UpdateSigner?, version: String = "2.0.0", architecture: String = Updater.architecture)
            throws
        {
            try bytes.write(to: URL(fileURLWithPath: "\(folder)/\(name)"))
            guard let signer else { return }
            let release = try AgentRelease(version: version, platform: "linux", architecture: architecture, binary: bytes)
            try signer.signatureFile(for: release).write(toFile: "\(folder)/\(name).sig", atomically: true, encoding: .utf8)
        }
    }

    static func withBed(_ body: (Bed) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("updater-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let binary = folder + "/bin/optralis-agent"
        try Data("running build".utf8).write(to: URL(fileURLWithPath: binary))
        let port = try freePort()
        let server = try ChildProcess(
            executable: "/usr/bin/python3", arguments: ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", folder])
        defer { server.signal(SIGTERM) }
        let bed = Bed(folder: folder, binary: binary, base: "http://127.0.0.1:\(port)")
        try #require(await eventually { (try? await bed.http.send(OutboundRequest(url: bed.base + "/")))?.status == 200 })
        do { try await body(bed) } catch {
            await bed.http.shutdown()
            throw error
        }
        await bed.http.shutdown()
    }

    static func refusal(_ install: () async throws -> Void) async -> String? {
        do { try await install() } catch let refused as Updater.Refused { return refused.description } catch { return "not a refusal: \(error)" }
        return nil
    }

    @Test func a_release_signed_by_a_trusted_key_replaces_the_binary() async throws {
        try await Self.withBed { bed in
            let release = Data("version 2".utf8)
            try bed.publish("agent-2", release, signedBy: bed.key)
            // The old key of a rotation stays trusted beside the new one.
            let retired = UpdateSigner.generate()
            try await bed.updater(trusting: [retired.publicKey, bed.key.publicKey]).install(
                version: "2.0.0", from: bed.base + "/agent-2", sha256: AgentRelease.sha256(of: release), running: "1.0.0")
            #expect(FileManager.default.contents(atPath: bed.binary) == release)
            #expect(try FileManager.default.attributesOfItem(atPath: bed.binary)[.posixPermissions] as? Int == 0o755)
            #expect(!FileManager.default.fileExists(atPath: bed.binary + ".new"))
        }
    }

    @Test func unsigned_tampered_foreign_relabelled_or_older_releases_are_refused_and_the_binary_stays() async throws {
        try await Self.withBed { bed in
            let updater = try bed.updater(trusting: [bed.key.publicKey])
            let release = Data("version 2".utf8), sum = AgentRelease.sha256(of: release)
            func refusal(_ name: String, version: String = "2.0.0", sha256: String? = nil, running: String = "1.0.0") async -> String? {
                await UpdaterTests.refusal {
                    try await updater.install(version: version, from: bed.base + "/\(name)", sha256: sha256 ?? sum, running: running)
                }
            }

            try bed.publish("unsigned", release, signedBy: nil)
            #expect(await refusal("unsigned")?.contains("no signature for 2.0.0 at \(bed.base)/unsigned.sig (HTTP 404)") == true)

            // Signed, then replaced; the offer's checksum is the replacement's.
            try bed.publish("tampered", release, signedBy: bed.key)
            let backdoored = Data("version 2 with a backdoor".utf8)
            try backdoored.write(to: URL(fileURLWithPath: bed.folder + "/tampered"))
            #expect(await refusal("tampered", sha256: AgentRelease.sha256(of: backdoored))?.contains("signature does not verify") == true)

            try bed.publish("foreign", release, signedBy: UpdateSigner.generate())
            #expect(await refusal("foreign")?.contains("signature does not verify") == true)

            // A signed 1.5.0 offered as 2.0.0; a build signed for the other architecture.
            try bed.publish("relabelled", release, signedBy: bed.key, version: "1.5.0")
            #expect(await refusal("relabelled")?.contains("signature does not verify") == true)
            try bed.publish("other-arch", release, signedBy: bed.key, architecture: Updater.architecture == "amd64" ? "arm64" : "amd64")
            #expect(await refusal("other-arch")?.contains("signature does not verify") == true)

            try bed.publish("garbled", release, signedBy: nil)
            try "not a signature\n".write(toFile: bed.folder + "/garbled.sig", atomically: true, encoding: .utf8)
            #expect(await refusal("garbled")?.contains("not one line of base64 of 64 bytes") == true)

            // Validly signed, but not newer than the running version: refused before any download.
            try bed.publish("old", release, signedBy: bed.key)
            #expect(await refusal("old", running: "2.0.0")?.contains("2.0.0 is not newer than the running 2.0.0") == true)
            #expect(await refusal("absent", version: "1.9.9", running: "2.0.0")?.contains("not newer") == true)

            #expect(await refusal("unsigned", sha256: String(repeating: "0", count: 64))?.contains("no signature") == true)
            #expect(await refusal("tampered", sha256: sum)?.contains("checksum mismatch") == true)

            #expect(FileManager.default.contents(atPath: bed.binary) == Data("running build".utf8), "the running binary stays")
            #expect(try FileManager.default.contentsOfDirectory(atPath: bed.folder + "/bin") == ["optralis-agent"], "nothing staged is left")
        }
    }

    @Test func the_signature_is_fetched_beside_the_download_keeping_its_query() {
        #expect(Updater.signatureURL(of: "https://cdn.example.com/agent/optralis-agent-1.4.0") == "https://cdn.example.com/agent/optralis-agent-1.4.0.sig")
        #expect(Updater.signatureURL(of: "https://cdn.example.com/a/agent?token=x%20y") == "https://cdn.example.com/a/agent.sig?token=x%20y")
    }

    @Test func the_compiled_in_keys_are_valid_and_a_malformed_override_refuses_to_start() throws {
        #expect(throws: Never.self, "every compiled-in key is valid") { try UpdateVerifier(publicKeys: UpdateSigningKeys.release) }
        let key = UpdateSigner.generate().publicKey
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("agent-config-\(UUID().uuidString)").path
        let base = ["OPTRALIS_CONFIG_DIR": folder + "/etc", "OPTRALIS_STATE_DIR": folder + "/state"]
        do {
            _ = try AgentConfiguration(environment: base.merging(["OPTRALIS_UPDATE_PUBLIC_KEYS": "\(key),bm90IGEga2V5"]) { $1 })
            Issue.record("a key that is not 32 bytes of base64 must refuse to start")
        } catch {
            #expect(error.problems.contains { $0.variable == "OPTRALIS_UPDATE_PUBLIC_KEYS" }, "\(error)")
        }
    }
}
