import Foundation
import NIOCore
import NIOPosix

/// The release `optralis-api` under test, started and restarted by the benchmark, its output
/// appended to a log file.
final class APIProcess: @unchecked Sendable {
    // @unchecked: `process` is replaced only by start(), stop() and restart(), which the
    // benchmark calls one at a time from its one driving task (restart's thread runs while that
    // task awaits it).
    let binary: String
    let environment: [String: String]
    let agentPort: Int
    /// The public port (`PORT`), where `/metrics` is.
    let port: Int?
    let log: String
    /// A command the api runs under (valgrind for `--only cost`), empty for none.
    let wrapper: [String]
    private var process: Process?

    init(binary: String, environment: [String: String], agentPort: Int, log: String, wrapper: [String] = []) {
        self.binary = binary
        self.wrapper = wrapper
        self.environment = environment
        self.agentPort = agentPort
        self.port = environment["PORT"].flatMap { Int($0) }
        self.log = log
    }

    func start() throws {
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        output.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrapper.first ?? binary)
        process.arguments = wrapper.isEmpty ? [] : Array(wrapper.dropFirst()) + [binary]
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        try process.run()
        self.process = process
    }

    var pid: Int32? { process?.processIdentifier }

    /// SIGTERM, then waits for the exit (the api drains its connections first).
    func stop() {
        process?.terminate()
        process?.waitUntilExit()
        process = nil
    }

    /// Until the api is up (`within`, 120 s by default): `GET /health/live` answers 200 on the public port and
    /// the agents' port accepts connections (neither waits on PostgreSQL nor on the fleet), then `probe` gets an answer to `GET /agent/ping`. The
    /// instant returned is when the agents' port was found accepting: the start of the storm's
    /// "after the api was ready" whatever the gateway then does with the fleet's handshakes
    /// (refused over its limit, or queued), so runs with and without the limit compare.
    @discardableResult
    func waitUntilReady(probe: SimulatedAgent, group: any EventLoopGroup, within limit: Duration = .seconds(120)) async throws -> ContinuousClock.Instant {
        let deadline = ContinuousClock.now + limit
        var listening: ContinuousClock.Instant?
        while ContinuousClock.now < deadline {
            if listening == nil, await isListening(group: group) { listening = .now }
            if let listening {
                let status = try? await AgentConnection.with(host: "127.0.0.1", port: agentPort, tls: probe.tls, group: group) { connection in
                    try await connection.send(.GET, "/agent/ping").status
                }
                if status == 200 { return listening }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw APINotReady(log: log)
    }

    /// `/health/live` 200 (or no public port known) and a TCP connection to the agents' port.
    private func isListening(group: any EventLoopGroup) async -> Bool {
        if let port {
            let health = try? await AgentConnection.with(host: "127.0.0.1", port: port, tls: nil, group: group) { connection in
                try await connection.send(.GET, "/health/live").status
            }
            guard health == 200 else { return false }
        }
        guard let channel = try? await ClientBootstrap(group: group).connectTimeout(.seconds(1)).connect(host: "127.0.0.1", port: agentPort).get()
        else { return false }
        try? await channel.close()
        return true
    }

    /// `GET /metrics` on the public port; nil when it cannot be read (the report then says so).
    func metrics(group: any EventLoopGroup) async -> String? {
        guard let port else { return nil }
        return try? await AgentConnection.with(host: "127.0.0.1", port: port, tls: nil, group: group) { connection in
            let response = try await connection.send(.GET, "/metrics")
            return response.status == 200 ? String(buffer: response.body) : nil
        }
    }

    /// When the old api had exited and the new one listened (its `/health/live` answering 200 and
    /// its agents' port accepting).
    struct Restart {
        let exited: ContinuousClock.Instant
        let listening: ContinuousClock.Instant
    }

    /// SIGTERM, then the api started again, timed on a thread of its own with blocking sockets
    /// and `/proc`. In a storm the benchmark's tasks and event loops are busy with the fleet's
    /// reconnecting agents. A probe among them noticed the new api up to two seconds late (its
    /// agents' port accepted 0.5 s after its start, and the probe said 2.7 s), and the storm's clock
    /// starts at that instant.
    func restart(within limit: Duration = .seconds(120)) async throws -> Restart {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try self.restartBlocking(within: limit) }) }.start()
        }
    }

    private func restartBlocking(within limit: Duration) throws -> Restart {
        if let old = process {
            kill(old.processIdentifier, SIGTERM)
            while !Self.hasExited(old.processIdentifier) { usleep(2_000) }
        }
        let exited = ContinuousClock.now
        process?.waitUntilExit()
        process = nil
        try start()
        while ContinuousClock.now < exited + limit {
            let healthy = port.map { Self.firstLine(port: $0, request: "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n") }
            if healthy == nil || healthy??.hasPrefix("HTTP/1.1 200") == true, Self.firstLine(port: agentPort, request: nil) != nil {
                return Restart(exited: exited, listening: .now)
            }
            usleep(5_000)
        }
        throw APINotReady(log: log)
    }

    /// Exited: a zombie not reaped yet, or gone.
    private static func hasExited(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let name = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(name, offsetBy: 2)...].first
        return state == "Z" || state == "X"
    }

    /// A blocking connection to 127.0.0.1:`port` (at most 1 s each way): nil when refused; with a
    /// `request`, the first line of the answer; without, "" once connected.
    private static func firstLine(port: Int, request: String?) -> String? {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return nil }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        guard let request else { return "" }
        guard send(socket, request, request.utf8.count, 0) == request.utf8.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256)
        let read = recv(socket, &buffer, buffer.count, 0)
        guard read > 0 else { return nil }
        return String(decoding: buffer[..<read], as: UTF8.self).components(separatedBy: "\r\n").first
    }

    struct APINotReady: Error, CustomStringConvertible {
        let log: String
        var description: String { "the api did not answer on the agents' port in time; see \(log)" }
    }
}
