import Foundation
import OptralisUpdateSigning
import Testing

@Suite("Agent update signatures (format)")
struct UpdateSigningTests {
    /// Seed 0x01…0x20; the expected values were computed with Python's `cryptography` (an
    /// independent Ed25519), so a change of the signed bytes or of the key format fails here
    /// before it makes every deployed agent refuse the next release.
    static let seed = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
    static let publicKey = "ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ="
    static let signature = "Ty0wHaH64IPmYSAnzFkyhzmU+pp0Bu+9Mqmdwbw+NDZ9/mnShTrhZcKN3siE2ykImOq9E9tRfFoJBeijbDSxAw=="

    @Test func the_signed_bytes_and_the_signature_match_an_independent_implementation() throws {
        let release = try AgentRelease(version: "v1.4.0", platform: "linux", architecture: "amd64", binary: Data("optralis agent 1.4.0".utf8))
        #expect(release.sha256 == "73a5d27e437941b10a111642bf01bde8e8bfd365bae54208bad38951b7ffb6b5")
        #expect(
            String(decoding: release.signedMessage, as: UTF8.self) == """
                optralis-agent-update/1
                version 1.4.0
                platform linux
                architecture amd64
                sha256 73a5d27e437941b10a111642bf01bde8e8bfd365bae54208bad38951b7ffb6b5

                """)
        let signer = try UpdateSigner(keyFile: Self.seed + "\n")
        #expect(signer.keyFile == Self.seed + "\n" && signer.publicKey == Self.publicKey + "\n")
        #expect(try signer.signatureFile(for: release) == Self.signature + "\n", "Ed25519 is deterministic")
        #expect(try UpdateVerifier(publicKeys: [Self.publicKey]).verify(signatureFile: Self.signature, of: release) == .verified)
    }

    @Test func a_signature_verifies_only_its_release_with_a_listed_key() throws {
        let release = try AgentRelease(version: "1.4.0", platform: "linux", architecture: "amd64", binary: Data("build".utf8))
        let old = UpdateSigner.generate(), new = UpdateSigner.generate()
        let signature = try new.signatureFile(for: release)
        #expect(try UpdateVerifier(publicKeys: [old.publicKey, new.publicKey]).verify(signatureFile: signature, of: release) == .verified)
        #expect(try UpdateVerifier(publicKeys: [old.publicKey]).verify(signatureFile: signature, of: release) == .notVerified)
        #expect(UpdateVerifier.trustingNoKey.verify(signatureFile: signature, of: release) == .notVerified)
        let verifier = try UpdateVerifier(publicKeys: [new.publicKey])
        for other in [
            try AgentRelease(version: "1.4.1", platform: "linux", architecture: "amd64", binary: Data("build".utf8)),
            try AgentRelease(version: "1.4.0", platform: "windows", architecture: "amd64", binary: Data("build".utf8)),
            try AgentRelease(version: "1.4.0", platform: "linux", architecture: "arm64", binary: Data("build".utf8)),
            try AgentRelease(version: "1.4.0", platform: "linux", architecture: "amd64", binary: Data("build!".utf8)),
        ] {
            #expect(verifier.verify(signatureFile: signature, of: other) == .notVerified, "\(other)")
        }
        var flipped = Array(Data(base64Encoded: String(signature.dropLast()))!)
        flipped[10] ^= 1
        #expect(verifier.verify(signatureFile: Data(flipped).base64EncodedString(), of: release) == .notVerified)
        for malformed in ["", "not base64!", Data(count: 63).base64EncodedString(), Data(count: 65).base64EncodedString(), signature + signature] {
            #expect(verifier.verify(signatureFile: malformed, of: release) == .malformed, "\(malformed)")
        }
    }

    @Test func releases_and_keys_are_checked_before_use() {
        for (version, platform, architecture) in [
            ("1.4.0\nplatform windows", "linux", "amd64"), ("1.4.0 ", "linux", "amd64"), ("", "linux", "amd64"), ("1.4.0", "macos", "amd64"),
            ("1.4.0", "linux", "x86_64"),
        ] {
            #expect(throws: AgentRelease.Invalid.self, "\(version) \(platform) \(architecture)") {
                try AgentRelease(version: version, platform: platform, architecture: architecture, sha256: String(repeating: "a", count: 64))
            }
        }
        #expect(throws: AgentRelease.Invalid.self) { try AgentRelease(version: "1.4.0", platform: "linux", architecture: "amd64", sha256: "abc") }
        #expect(throws: UpdateSigningText.Invalid.self) { try UpdateVerifier(publicKeys: [Self.publicKey, Data(count: 31).base64EncodedString()]) }
        #expect(throws: UpdateSigningText.Invalid.self) { try UpdateSigner(keyFile: "-----BEGIN PRIVATE KEY-----") }
    }
}
