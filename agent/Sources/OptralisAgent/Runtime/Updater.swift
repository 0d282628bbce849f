#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import OptralisCore
import OptralisCurl
import OptralisUpdateSigning

/// The auto-update hook: when a heartbeat offers a newer version, download it and its signature
/// (`<download_url>.sig`), and install it only when a trusted key signed this build for this
/// version, platform and architecture (docs/update-signing.md); the server's checksum alone
/// proves nothing, since whoever controls the server writes it. The verified build is written
/// next to the running binary and renamed over it (atomic: the old binary stays whole until
/// then). Under systemd the agent then exits and `Restart=always` starts the new one; run by
/// hand, it keeps running and says a restart is due.
public struct Updater: Sendable {
    let http: CurlClient
    let verifier: UpdateVerifier
    let logger: Logger
    /// The binary to replace (the running one, from /proc/self/exe).
    let binary: String

    /// What this build is, and so what a release must be signed as.
    static let platform = "linux"
    static let architecture = AgentRelease.builtArchitecture

    public init(http: CurlClient, verifier: UpdateVerifier, logger: Logger, binary: String? = nil) {
        self.http = http
        self.verifier = verifier
        self.logger = logger
        self.binary = binary ?? ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
    }

    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    /// Replaces the binary with `version`; throws ``Refused`` (and keeps the running binary) when
    /// the version is not newer than `running`, a download fails, the signature is missing or
    /// does not verify, or the checksum differs from the offer's.
    public func install(version: String, from url: String, sha256: String, running: String = OptralisVersion.current) async throws {
        // A signed old build is still signed: only a newer version may replace this one.
        guard AgentVersion.isNewer(version, than: running) else {
            throw Refused(description: "\(version) is not newer than the running \(running)")
        }
        let response = try await http.send(OutboundRequest(url: url, timeout: .seconds(300), maximumResponseBytes: 512 << 20))
        guard response.status == 200 else { throw Refused(description: "download of \(version) failed: HTTP \(response.status)") }
        let signatureURL = Self.signatureURL(of: url)
        let signature = try await http.send(OutboundRequest(url: signatureURL, timeout: .seconds(60), maximumResponseBytes: 4096))
        guard signature.status == 200 else {
            throw Refused(description: "no signature for \(version) at \(signatureURL) (HTTP \(signature.status))")
        }
        let release: AgentRelease
        do {
            release = try AgentRelease(version: version, platform: Self.platform, architecture: Self.architecture, binary: response.body)
        } catch {
            throw Refused(description: "offer of \(version) refused: \(error)")
        }
        guard release.sha256 == sha256.lowercased() else {
            throw Refused(description: "checksum mismatch for \(version): expected \(sha256), got \(release.sha256)")
        }
        switch verifier.verify(signatureFile: String(decoding: signature.body, as: UTF8.self), of: release) {
        case .verified: break
        case .malformed:
            throw Refused(description: "the signature of \(version) at \(signatureURL) is not one line of base64 of 64 bytes")
        case .notVerified:
            throw Refused(
                description: "signature does not verify for \(version) with the \(verifier.keyCount) trusted key(s): "
                    + "signed by another key, or for other bytes, another version or another architecture")
        }
        let staged = binary + ".new"
        try AgentFiles.write(Data(response.body), to: staged)
        chmod(staged, 0o755)
        guard rename(staged, binary) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: staged)
            throw Refused(description: "cannot replace \(binary): \(reason)")
        }
        logger.notice("agent updated", metadata: ["version": "\(version)", "binary": "\(binary)", "sha256": "\(release.sha256)"])
    }

    /// `<download_url>.sig`: the path gains `.sig`, a query string stays as it is.
    static func signatureURL(of url: String) -> String {
        guard var components = URLComponents(string: url), !components.percentEncodedPath.isEmpty else { return url + ".sig" }
        components.percentEncodedPath += ".sig"
        return components.string ?? url + ".sig"
    }

    /// Under systemd (`INVOCATION_ID` set) the unit restarts the agent after it exits.
    public static var restartsBySystemd: Bool { ProcessInfo.processInfo.environment["INVOCATION_ID"] != nil }
}
