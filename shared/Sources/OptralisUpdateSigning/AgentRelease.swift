import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What an update signature covers: not the binary alone but the binary's SHA-256 together with
/// the version, platform and architecture it is published as. A server can therefore neither
/// relabel an old signed build as a newer version (a rollback to a known flaw) nor offer a
/// signed build of another architecture (which would not start, and take the agent down).
/// The signed bytes are UTF-8 lines (`signedMessage`):
///
///     optralis-agent-update/1
///     version 1.4.0
///     platform linux
///     architecture amd64
///     sha256 <64 lowercase hex digits>
public struct AgentRelease: Sendable, Equatable {
    /// Without a leading "v" ("v1.4.0" and "1.4.0" are the same release).
    public let version: String
    public let platform: String
    public let architecture: String
    /// Lowercase hex.
    public let sha256: String

    public static let platforms: Set<String> = ["linux", "windows"]
    public static let architectures: Set<String> = ["amd64", "arm64"]

    /// The architecture this code was compiled for, in release terms.
    public static var builtArchitecture: String {
        #if arch(arm64)
        "arm64"
        #else
        "amd64"
        #endif
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// The release of `binary`, hashed here.
    public init(version: String, platform: String, architecture: String, binary: some DataProtocol) throws(Invalid) {
        try self.init(version: version, platform: platform, architecture: architecture, sha256: Self.sha256(of: binary))
    }

    public init(version: String, platform: String, architecture: String, sha256: String) throws(Invalid) {
        let version = version.hasPrefix("v") ? String(version.dropFirst()) : version
        // Letters, digits and . + - only: no space or line break can shift the signed lines.
        guard !version.isEmpty, version.utf8.count <= 50,
            version.utf8.allSatisfy({
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2E || $0 == 0x2B || $0 == 0x2D
            })
        else { throw Invalid(description: "version must be like 1.4.0 (letters, digits, . + -)") }
        guard Self.platforms.contains(platform) else { throw Invalid(description: "platform must be linux or windows") }
        guard Self.architectures.contains(architecture) else { throw Invalid(description: "architecture must be amd64 or arm64") }
        let sha256 = sha256.lowercased()
        guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw Invalid(description: "sha256 must be 64 hex digits")
        }
        (self.version, self.platform, self.architecture, self.sha256) = (version, platform, architecture, sha256)
    }

    public var signedMessage: [UInt8] {
        Array("optralis-agent-update/1\nversion \(version)\nplatform \(platform)\narchitecture \(architecture)\nsha256 \(sha256)\n".utf8)
    }

    public static func sha256(of bytes: some DataProtocol) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        for byte in SHA256.hash(data: bytes) { text += [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]] }
        return String(decoding: text, as: UTF8.self)
    }
}
