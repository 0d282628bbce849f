import Foundation

/// Runs the tools a collector needs when no file holds the answer (smartctl, journalctl,
/// systemctl, apt-get): looked up on PATH, killed after a timeout, output captured.
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
    public func run(_ tool: String, _ arguments: [String], timeout: Duration = .seconds(30)) async throws -> Result? {
        guard let executable = which(tool) else { return nil }
        let output = Pipe()
        func launch() throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.environment = ["PATH": searchPath.joined(separator: ":"), "LANG": "C", "LC_ALL": "C"]
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            return process
        }
        // A tool being rewritten at this moment (a package upgrade) cannot be executed yet
        // (ETXTBSY): try again briefly before giving up.
        var launched: Process?
        for attempt in 1...3 where launched == nil {
            do {
                launched = try launch()
            } catch where attempt < 3 {
                try await Task.sleep(for: .milliseconds(50 * attempt))
            }
        }
        guard let process = launched else { return nil }
        // Read while it runs, so a large output cannot fill the pipe and stall the tool.
        let reader = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        let data = await reader.value
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
