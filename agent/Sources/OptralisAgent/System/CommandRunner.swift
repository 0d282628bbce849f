#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Runs the tools a collector needs when no file holds the answer (smartctl, journalctl,
/// systemctl, apt-get): looked up on PATH, killed after a timeout, output captured.
///
/// Spawned with `posix_spawn` rather than Foundation's `Process`, which would pull full
/// Foundation (and ICU) into the agent. The output is read without blocking a thread: the
/// pipe is non-blocking and polled every 20 ms until the tool exits.
public struct CommandRunner: Sendable {
    public let searchPath: [String]

    public init(searchPath: [String] = ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"]) {
        self.searchPath = searchPath
    }

    public struct Result: Sendable {
        public let status: Int32
        public let output: String
    }

    /// The tool's full path, or nil when it is not installed.
    public func which(_ tool: String) -> String? {
        searchPath.map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `tool` with `arguments`; nil when the tool is missing. Standard error is discarded.
    /// `environment` adds `NAME=value` entries to the child's (a database client's password:
    /// the child's environment is readable by its own user and root only, unlike its arguments).
    public func run(_ tool: String, _ arguments: [String], environment extra: [String] = [], timeout: Duration = .seconds(30)) async throws -> Result? {
        guard let executable = which(tool) else { return nil }
        let environment = ["PATH=" + searchPath.joined(separator: ":"), "LANG=C", "LC_ALL=C"] + extra
        // A tool being rewritten at this moment (a package upgrade) cannot be executed yet
        // (ETXTBSY): try again briefly before giving up.
        var child: SpawnedChild?
        for attempt in 1...3 where child == nil {
            do {
                child = try SpawnedChild(executable: executable, arguments: arguments, environment: environment)
            } catch  where attempt < 3 {
                try await Task.sleep(for: .milliseconds(50 * attempt))
            }
        }
        guard let child else { return nil }
        let deadline = ContinuousClock.now + timeout
        var output: [UInt8] = []
        var status: Int32?
        var killed = false
        while true {
            let open = child.drain(into: &output)
            if status == nil { status = child.exitStatus() }
            // Past the deadline, a descendant still holding the pipe open does not keep us here.
            if let status, !open || ContinuousClock.now > deadline {
                return Result(status: status, output: String(decoding: output, as: UTF8.self))
            }
            if !killed, ContinuousClock.now > deadline {
                child.terminate()
                killed = true
            }
            // Cancelled (the agent is stopping): the child is killed as it goes out of scope.
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
