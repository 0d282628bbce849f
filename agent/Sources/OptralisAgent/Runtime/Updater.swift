#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import OptralisCurl

/// The auto-update hook: when a heartbeat offers a newer version, download it next to the
/// running binary, check its SHA-256 against the published one, and rename it over the binary
/// (atomic: the old binary stays whole until the new one is complete and verified). Under
/// systemd the agent then exits and `Restart=always` starts the new one; run by hand, it keeps
/// running and says a restart is due.
public struct Updater: Sendable {
    let http: CurlClient
    let runner: CommandRunner
    let logger: Logger
    /// The binary to replace (the running one, from /proc/self/exe).
    let binary: String

    public init(http: CurlClient, runner: CommandRunner = CommandRunner(), logger: Logger, binary: String? = nil) {
        self.http = http
        self.runner = runner
        self.logger = logger
        self.binary = binary ?? ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
    }

    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    /// Replaces the binary with `version`; throws (and keeps the old binary) when the download
    /// fails or its checksum does not match.
    public func install(version: String, from url: String, sha256: String) async throws {
        let response = try await http.send(OutboundRequest(url: url, timeout: .seconds(300), maximumResponseBytes: 512 << 20))
        guard response.status == 200 else { throw Refused(description: "download of \(version) failed: HTTP \(response.status)") }
        let staged = binary + ".new"
        try AgentFiles.write(Data(response.body), to: staged)
        let sum = try await runner.run("sha256sum", [staged])?.output.split(separator: " ").first.map(String.init)
        guard sum == sha256.lowercased() else {
            try? FileManager.default.removeItem(atPath: staged)
            throw Refused(description: "checksum mismatch for \(version): expected \(sha256), got \(sum ?? "nothing"); the current binary stays")
        }
        chmod(staged, 0o755)
        guard rename(staged, binary) == 0 else { throw Refused(description: "cannot replace \(binary): \(String(cString: strerror(errno)))") }
        logger.notice("agent updated", metadata: ["version": "\(version)", "binary": "\(binary)"])
    }

    /// Under systemd (`INVOCATION_ID` set) the unit restarts the agent after it exits.
    public static var restartsBySystemd: Bool { ProcessInfo.processInfo.environment["INVOCATION_ID"] != nil }
}
