import Foundation

/// A program started by a test (a service binary, redis-server, aiosmtpd), its output kept
/// in a file for the assertion messages, killed if the test forgets to stop it.
public final class ChildProcess: Sendable {
    public let process: Process
    public let outputFile: URL

    public init(executable: String, arguments: [String] = [], environment: [String: String]? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("optralis-test-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: outputFile)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        // A child inherits the signal mask of the thread that starts it, and Swift's pool threads
        // block nearly every signal: redis-server and Python servers started from them ignored
        // SIGTERM, so a "graceful stop" left them running (a Redis restart test never restarted
        // Redis) and they outlived the tests. Foundation's `Process` takes no spawn attributes
        // (the agent's `SpawnedChild` sets them), so this thread unblocks the signals for the
        // spawn. SIGCHLD stays blocked: one delivered to this thread in that instant would be
        // lost to the signal source through which `Process` learns that its children exited.
        var mask = sigset_t()
        var previous = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGCHLD)
        pthread_sigmask(SIG_SETMASK, &mask, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
        self.process = process
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    public var output: String {
        (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
    }

    public var isRunning: Bool { process.isRunning }

    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit; returns its status, or nil if it is still running after `timeout`.
    public func waitForExit(timeout: Duration) async -> Int32? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while process.isRunning && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Runs a program to completion and returns its exit status and output.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, timeout: Duration = .seconds(60)) async throws
        -> (status: Int32, output: String)
    {
        let child = try ChildProcess(executable: executable, arguments: arguments, environment: environment)
        guard let status = await child.waitForExit(timeout: timeout) else {
            child.signal(SIGKILL)
            throw TestEnvironmentError(message: "\(executable) did not finish within \(timeout): \(child.output)")
        }
        return (status, child.output)
    }
}

/// A TCP port free on 127.0.0.1 at the time of the call.
public func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw TestEnvironmentError(message: "socket() failed") }
    defer { close(descriptor) }
    guard let port = bindToFreeLoopbackPort(descriptor, listening: false) else { throw TestEnvironmentError(message: "bind() failed") }
    return port
}

/// Binds a TCP socket to a free port on 127.0.0.1 (and listens, when asked); the port, or nil.
func bindToFreeLoopbackPort(_ descriptor: Int32, listening: Bool) -> Int? {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(descriptor, socketAddress, length) == 0 && (!listening || listen(descriptor, 128) == 0)
                && getsockname(descriptor, socketAddress, &length) == 0
        }
    }
    return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
}

/// Finds a program on PATH (redis-server, python3).
public func which(_ program: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(program)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

/// Writes a script a test runs as a fake tool (smartctl, journalctl, systemctl), executable.
/// Opened close-on-exec: a descriptor open for writing that a child started meanwhile by another
/// test inherits makes running the script fail with ETXTBSY ("text file busy") for as long as that
/// child lives.
public func writeExecutable(_ script: String, to path: String) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
    guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
    let bytes = Array(script.utf8)
    let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
    guard written == bytes.count else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
}

/// Polls `condition` until it holds or `timeout` passes.
public func eventually(timeout: Duration = .seconds(10), _ condition: () async -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    repeat {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    } while clock.now < deadline
    return await condition()
}
