import Crypto
import Foundation
import OptralisTestSupport
import Testing

/// The real `optralis-agent` offered "version 99" by the real gateway, downloading it over HTTP:
/// only a build signed by a key the agent trusts replaces the running binary, whatever checksum
/// the server publishes (docs/update-signing.md).
@Suite("Agent end to end: signed updates")
struct AgentEndToEndSignedUpdateTests {
    @Test func a_validly_signed_newer_version_is_installed_and_the_agent_exits_for_systemd_to_restart_it() async throws {
        try await AgentUpdateBed.run { update in
            let release = try update.publish("optralis-agent-99")
            let key = try await update.keyPair("release")
            try await update.sign("optralis-agent-99", keyFile: key.keyFile)
            let signature = try String(contentsOfFile: update.downloads + "/optralis-agent-99.sig", encoding: .utf8)
            #expect(Data(base64Encoded: signature.trimmingCharacters(in: .newlines))?.count == 64, "one line of base64, 64 bytes: \(signature)")
            try await update.offer("optralis-agent-99")

            let agent = try update.run(trusting: ["\(try await update.keyPair("other").publicKey)", key.publicKey])
            let exit = await agent.waitForExit(timeout: .seconds(60))
            #expect(exit == 0, "\(agent.output.suffix(1500))")
            #expect(agent.output.contains("agent updated"), "\(agent.output.suffix(1500))")
            #expect(FileManager.default.contents(atPath: update.binary) == release, "version 99 replaced the binary")
            let mode = try FileManager.default.attributesOfItem(atPath: update.binary)[.posixPermissions] as? Int
            #expect(mode == 0o755)
        }
    }

    /// Before signatures, the agent installed anything whose SHA-256 matched the server's checksum.
    @Test func an_update_without_a_signature_is_refused_whatever_its_checksum() async throws {
        try await AgentUpdateBed.run { update in
            try update.publish("optralis-agent-99")
            try await update.offer("optralis-agent-99")
            let trusted = Curve25519.Signing.PrivateKey().publicKey.rawRepresentation.base64EncodedString()
            try await update.expectRefusal(trusting: [trusted], because: "no signature")
        }
    }

    @Test func a_tampered_binary_whose_checksum_the_server_matches_is_refused() async throws {
        try await AgentUpdateBed.run { update in
            let key = try await update.keyPair("release")
            try update.publish("optralis-agent-99")
            try await update.sign("optralis-agent-99", keyFile: key.keyFile)
            // Replaced after signing; the server publishes the new file's checksum.
            try update.publish("optralis-agent-99", marker: "optralis-99-with-a-backdoor")
            try await update.offer("optralis-agent-99")
            try await update.expectRefusal(trusting: [key.publicKey], because: "signature does not verify")
        }
    }

    @Test func an_update_signed_by_another_key_is_refused_and_test_keys_count_only_through_the_local_override() async throws {
        try await AgentUpdateBed.run { update in
            let trusted = try await update.keyPair("trusted"), other = try await update.keyPair("other")
            try update.publish("optralis-agent-99")
            try await update.sign("optralis-agent-99", keyFile: other.keyFile)
            try await update.offer("optralis-agent-99")
            try await update.expectRefusal(trusting: [trusted.publicKey], because: "signature does not verify")
            // Without the override the agent trusts only the keys compiled into it.
            try await update.expectRefusal(trusting: nil, because: "signature does not verify")
        }
    }

    @Test func a_signature_of_another_version_or_architecture_is_refused() async throws {
        try await AgentUpdateBed.run { update in
            let key = try await update.keyPair("release")
            try update.publish("optralis-agent-99")
            // A validly signed 98.0.0 offered as 99.0.0: a server could otherwise relabel an old, vulnerable build.
            try await update.sign("optralis-agent-99", keyFile: key.keyFile, version: "98.0.0")
            try await update.offer("optralis-agent-99")
            try await update.expectRefusal(trusting: [key.publicKey], because: "signature does not verify")
            // Signed for the other architecture: it would not run here.
            try await update.sign("optralis-agent-99", keyFile: key.keyFile, architecture: AgentUpdateBed.architecture == "amd64" ? "arm64" : "amd64")
            try await update.expectRefusal(trusting: [key.publicKey], because: "signature does not verify")
        }
    }

    @Test func a_download_whose_checksum_differs_from_the_offer_is_refused() async throws {
        try await AgentUpdateBed.run { update in
            let key = try await update.keyPair("release")
            try update.publish("optralis-agent-99")
            try await update.sign("optralis-agent-99", keyFile: key.keyFile)
            try await update.offer("optralis-agent-99", checksum: String(repeating: "0", count: 64))
            try await update.expectRefusal(trusting: [key.publicKey], because: "checksum mismatch")
        }
    }
}
