import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The text forms of the update-signing material, each one line of standard base64 (a final line
/// break is allowed when read):
/// - a public key: the 32 raw bytes of the Ed25519 public key (`agent-update-signing.pub`, what
///   the agent compiles in or reads from `OPTRALIS_UPDATE_PUBLIC_KEYS`);
/// - a private key: its 32-byte seed (`agent-update-signing.key`, kept offline);
/// - a signature: the 64 raw bytes of the Ed25519 signature (`<binary>.sig`).
public enum UpdateSigningText {
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// The bytes of one line of base64, exactly `count` of them, or nil.
    public static func decode(_ text: some StringProtocol, count: Int) -> [UInt8]? {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let trimmed = Array(text.utf8).drop(while: isSpace).reversed().drop(while: isSpace).reversed()
        guard let data = Data(base64Encoded: Data(trimmed)), data.count == count else { return nil }
        return Array(data)
    }

    public static func encode(_ bytes: some DataProtocol) -> String { Data(bytes).base64EncodedString() + "\n" }

    /// A 64-byte signature.
    public static func signature(_ text: some StringProtocol) -> [UInt8]? { decode(text, count: 64) }

    public static func publicKey(_ text: some StringProtocol) throws(Invalid) -> Curve25519.Signing.PublicKey {
        guard let bytes = decode(text, count: 32), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes) else {
            throw Invalid(description: "a public key is one line of base64 of 32 bytes")
        }
        return key
    }
}

/// Signs releases with the offline private key (`optralis-ca sign-agent`).
public struct UpdateSigner: Sendable {
    private let key: Curve25519.Signing.PrivateKey

    public static func generate() -> UpdateSigner { UpdateSigner(key: Curve25519.Signing.PrivateKey()) }

    private init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    /// Reads the text of a private key file.
    public init(keyFile text: some StringProtocol) throws(UpdateSigningText.Invalid) {
        guard let seed = UpdateSigningText.decode(text, count: 32), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw UpdateSigningText.Invalid(description: "a private key file is one line of base64 of a 32-byte Ed25519 seed")
        }
        self.key = key
    }

    public var keyFile: String { UpdateSigningText.encode(key.rawRepresentation) }
    public var publicKey: String { UpdateSigningText.encode(key.publicKey.rawRepresentation) }

    /// The text of `<binary>.sig`.
    public func signatureFile(for release: AgentRelease) throws -> String {
        UpdateSigningText.encode(try key.signature(for: release.signedMessage))
    }
}

/// Checks a release's signature against the public keys the agent trusts; any one of them
/// verifying is enough (a rotation ships the new key beside the old one).
public struct UpdateVerifier: Sendable {
    private let keys: [Curve25519.Signing.PublicKey]

    public init(publicKeys: [String]) throws(UpdateSigningText.Invalid) {
        var keys: [Curve25519.Signing.PublicKey] = []
        for text in publicKeys { keys.append(try UpdateSigningText.publicKey(text)) }
        self.keys = keys
    }

    private init(keys: [Curve25519.Signing.PublicKey]) { self.keys = keys }

    /// Verifies nothing: every update is refused.
    public static let trustingNoKey = UpdateVerifier(keys: [])

    public var keyCount: Int { keys.count }

    public enum Verdict: Sendable, Equatable {
        case verified
        /// Not one line of base64 of 64 bytes.
        case malformed
        /// No key verifies it (another key signed it, or it signs other bytes or another release).
        case notVerified
    }

    public func verify(signatureFile text: some StringProtocol, of release: AgentRelease) -> Verdict {
        guard let signature = UpdateSigningText.signature(text) else { return .malformed }
        let message = release.signedMessage
        return keys.contains { $0.isValidSignature(signature, for: message) } ? .verified : .notVerified
    }
}
