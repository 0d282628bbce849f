import Foundation
import NIOCore
import NIOPosix

/// The release `optralis-api` under test, started and restarted by the benchmark, its output
/// appended to a log file.
final class APIProcess: @unchecked Sendable {
    // @unchecked: `process` is replaced only by start()/stop(), which the benchmark calls from
    // its one driving task.
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

    struct APINotReady: Error, CustomStringConvertible {
        let log: String
        var description: String { "the api did not answer on the agents' port in time; see \(log)" }
    }
}
