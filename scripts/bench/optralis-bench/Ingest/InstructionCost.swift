import Foundation
import NIOCore
import NIOHTTP1

/// Instructions the api executes per agent request, counted by callgrind (`--only cost`): stable
/// from run to run on a noisy machine, unlike seconds. The api runs under
/// `valgrind --tool=callgrind`; after a warm-up, each phase sends the same request from
/// ``connections`` agents and reads the counter callgrind dumps at its end (`callgrind_control
/// --dump`), so a phase's figure covers everything the process did meanwhile: TLS, HTTP, the
/// middlewares, decoding, the group commit and postgres-nio's side of the statements
/// (PostgreSQL's own work is in another process and not counted). An idle phase of the same
/// length measures the background (timers, caches) and is subtracted.
struct InstructionCost {
    let api: APIProcess
    let payloads: CollectPayloads
    let group: any EventLoopGroup
    /// Where callgrind writes its dumps (`--callgrind-out-file`).
    let outputFile: String
    let connections: Int
    let perConnection: Int

    struct Phase {
        let name: String
        let requests: Int
        let instructions: Double
        var perRequest: Double { instructions / Double(max(1, requests)) }
    }

    /// The fleet's posts per agent and hour at the default intervals (SimulatedAgent.intervals).
    static var hourlyMix: [(String, Double)] {
        SimulatedAgent.intervals.map { ($0.0, 3_600 / $0.1) }
    }

    func measure(fleet: [SimulatedAgent]) async throws -> [Phase] {
        // Keep-alive connections, as agents hold them: no handshake inside a measured phase.
        try await withConnections(fleet.prefix(connections)) { connections in
            // Warm-up: caches (certificate status, licence, the requirements), the pool's
            // connections, every code path once.
            try await phase(connections, count: 3) { agent in try Self.request("metrics", agent: agent, payloads: payloads) }
            for kind in SimulatedAgent.intervals.map(\.0) {
                try await phase(connections, count: 1) { agent in try Self.request(kind, agent: agent, payloads: payloads) }
            }
            try await callgrind("--zero")
            var phases: [Phase] = []
            let pingStart = ContinuousClock.now
            let pings = try await phase(connections, count: perConnection) { _ in (.GET, "/agent/ping", nil) }
            let ping = try await dump()
            let pingSeconds = (ContinuousClock.now - pingStart).asSeconds
            // As long with nothing to do: what the process spends by itself, subtracted below.
            try await Task.sleep(for: .seconds(pingSeconds))
            let idlePerSecond = try await dump() / pingSeconds
            phases.append(Phase(name: "GET /agent/ping", requests: pings, instructions: ping - idlePerSecond * pingSeconds))
            for (kind, _) in SimulatedAgent.intervals {
                let start = ContinuousClock.now
                let requests = try await phase(connections, count: perConnection) { agent in try Self.request(kind, agent: agent, payloads: payloads) }
                let instructions = try await dump() - idlePerSecond * (ContinuousClock.now - start).asSeconds
                phases.append(
                    Phase(
                        name: kind == "heartbeat" ? "POST /agent/heartbeat" : "POST /agent/collect \(kind)", requests: requests, instructions: instructions))
            }
            // Batch posts, as the current agent sends the collectors due together (an api
            // without the route, an older one, has none): metrics alone, then metrics with each
            // other collector, whose difference is what that collector adds to a batch.
            let (probe, _) = connections[0]
            let answer = try await connections[0].1.send(.POST, "/agent/collect/batch", body: payloads.batch([("metrics", probe.nextSequence("metrics"))]))
            guard answer.status == 200 else { return phases }
            _ = try await dump()
            for kind in [nil] + SimulatedAgent.intervals.map(\.0).filter({ $0 != "metrics" && $0 != "heartbeat" }) {
                let start = ContinuousClock.now
                let requests = try await phase(connections, count: perConnection) { agent in
                    (
                        .POST, "/agent/collect/batch",
                        payloads.batch([("metrics", agent.nextSequence("metrics"))] + (kind.map { [($0, agent.nextSequence($0))] } ?? []))
                    )
                }
                let instructions = try await dump() - idlePerSecond * (ContinuousClock.now - start).asSeconds
                phases.append(
                    Phase(name: "POST /agent/collect/batch metrics" + (kind.map { " + \($0)" } ?? ""), requests: requests, instructions: instructions))
            }
            return phases
        }
    }

    private func withConnections<Result: Sendable>(
        _ agents: ArraySlice<SimulatedAgent>, opened: [(SimulatedAgent, AgentConnection)] = [],
        _ body: ([(SimulatedAgent, AgentConnection)]) async throws -> Result
    ) async throws -> Result {
        guard let agent = agents.first else { return try await body(opened) }
        return try await AgentConnection.with(host: "127.0.0.1", port: api.agentPort, tls: agent.tls, group: group) { connection in
            try await withConnections(agents.dropFirst(), opened: opened + [(agent, connection)], body)
        }
    }

    private static func request(_ kind: String, agent: SimulatedAgent, payloads: CollectPayloads) throws -> (HTTPMethod, String, ByteBuffer?) {
        if kind == "heartbeat" { return (.POST, "/agent/heartbeat", CollectPayloads.heartbeat) }
        return (.POST, "/agent/collect", payloads.body(kind, sequence: agent.nextSequence(kind)))
    }

    /// `count` requests on each connection, all connections at once; the requests sent. Under
    /// valgrind the api is slow enough for its outage guard to answer 503 now and then (a
    /// request over 2 s while its probe of PostgreSQL times out): such a request is sent again
    /// and both count.
    @discardableResult
    private func phase(
        _ connections: [(SimulatedAgent, AgentConnection)], count: Int,
        request: @escaping @Sendable (SimulatedAgent) throws -> (HTTPMethod, String, ByteBuffer?)
    ) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { tasks in
            for (agent, connection) in connections {
                tasks.addTask {
                    var sent = 0
                    for _ in 0..<count {
                        let (method, path, body) = try request(agent)
                        while true {
                            let response = try await connection.send(method, path, body: body)
                            sent += 1
                            if response.status == 200 { break }
                            guard response.status == 503, sent < count * 3 else {
                                throw CostError("\(path): \(response.status) \(String(buffer: response.body))")
                            }
                        }
                    }
                    return sent
                }
            }
            return try await tasks.reduce(0, +)
        }
    }

    /// Dumps callgrind's counters (zeroing them) and returns the instructions in the dump.
    private func dump() async throws -> Double {
        let before = Set(dumps())
        try await callgrind("--dump")
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if let file = dumps().first(where: { !before.contains($0) }), let total = Self.total(in: file) { return total }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw CostError("callgrind wrote no dump within 120 s")
    }

    private func dumps() -> [String] {
        let url = URL(fileURLWithPath: outputFile)
        let directory = url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix(prefix) }.map { "\(directory)/\($0)" }
    }

    /// The `totals:` line callgrind writes last (a file still being written has none yet).
    static func total(in file: String) -> Double? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n").reversed() where line.hasPrefix("totals:") || line.hasPrefix("summary:") {
            return line.split(separator: " ").dropFirst().first.flatMap { Double($0) }
        }
        return nil
    }

    private func callgrind(_ argument: String) async throws {
        guard let pid = api.pid else { throw CostError("the api is not running") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/callgrind_control")
        process.arguments = [argument, String(pid)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        guard process.terminationStatus == 0 else { throw CostError("callgrind_control \(argument) \(pid) failed") }
    }

    struct CostError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
