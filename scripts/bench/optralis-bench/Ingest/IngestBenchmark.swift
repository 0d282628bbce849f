import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import OptralisCA
import OptralisPostgres
import PostgresNIO
import Synchronization

/// `optralis-bench ingest`: the agents' port under a simulated fleet, through the real mTLS
/// listener of a release `optralis-api` (launched and restarted by this command) into
/// PostgreSQL. scripts/bench.sh provides the database, Redis, the CA directory and the server
/// certificate. Reports:
/// 1. saturation: requests/s of `POST /agent/collect` (metrics) against `GET /agent/ping`, over the
///    same connections, closed loop; PostgreSQL rows/s at that saturation beside `COPY` of the
///    same rows into the same table;
/// 2. sustained fleets: for each N, N agents (own certificate, own keep-alive connection) post at
///    the spec's intervals for the window; passes with p99 < 100 ms, no error and every stored row
///    in the database;
/// 3. reconnect storm: the api restarted under the largest passing fleet; time until every agent
///    has posted again (`--only storm`: only this, at each size of `--agents`);
/// 4. retention under ingest: `optralis-scheduler run-job retention` deletes expired metric rows
///    (`--cleanup-rows`, 10 million) while half the largest passing fleet posts; the fleet's p99
///    must stay < 200 ms (issue 7).
/// Beside each latency the generator measures, the api's own (`http_server_request_duration` on
/// `/metrics`, read before and after; ``ServerLatency``).
struct IngestBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest", abstract: "Agent ingestion through the mTLS port.")

    @Option(help: "Fleet sizes to try, in order, comma-separated; stops at the first that fails.") var agents = "2500,5000,10000,15000"
    @Option(help: "Measured window of each fleet, seconds.") var window = 60
    @Option(help: "Agents connecting per second during the ramp.") var rampRate = 600
    @Option(help: "Connections of the saturation runs.") var saturationConnections = 64
    @Option(help: "Seconds of each saturation run.") var saturationSeconds = 10
    @Option(help: "Expired metric rows for the retention-under-ingest run (0 skips it).") var cleanupRows = 10_000_000
    @Option(
        help:
            "all; storm: only the reconnect storm, at each fleet size of --agents (10 s of posting first); cost: only the instructions per request, the api under callgrind."
    )
    var only = "all"
    @Option(help: "Connections of the instruction count (--only cost).") var costConnections = 4
    @Option(help: "Requests per connection and per phase of the instruction count.") var costRequests = 50
    @Flag(help: "Simulated agents retry as agents before the reconnect window did (0.5 s doubling to 30 s, no hint, no Retry-After).")
    var legacyAgents = false

    func run() async throws {
        do { try await measure() } catch {
            // PSQLError's description hides the server's message.
            throw ValidationError(String(reflecting: error))
        }
    }

    private func measure() async throws {
        let environment = ProcessInfo.processInfo.environment
        func required(_ name: String) throws -> String {
            guard let value = environment[name], !value.isEmpty else { throw ValidationError("\(name) is required") }
            return value
        }
        let sizes = agents.split(separator: ",").compactMap { Int($0) }
        guard let largest = sizes.max() else { throw ValidationError("--agents lists no size") }
        let callgrindOutput = URL(fileURLWithPath: try required("API_LOG")).deletingLastPathComponent().path + "/callgrind/api.out"
        let api = APIProcess(
            binary: try required("API_BIN"), environment: environment, agentPort: Int(try required("AGENT_TLS_PORT"))!,
            log: try required("API_LOG"),
            wrapper: only == "cost" ? ["/usr/bin/valgrind", "--tool=callgrind", "--callgrind-out-file=\(callgrindOutput)", "--dump-instr=no"] : [])
        let databaseURL = try DatabaseURL(parsing: try required("DATABASE_URL"))
        let payloads = try CollectPayloads(directory: try required("COLLECT_FIXTURES"))
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let database = PostgresClient(configuration: databaseURL.clientConfiguration(maximumConnections: 4), backgroundLogger: logger)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { await database.run() }
            defer { tasks.cancelAll() }

            try api.start()
            defer { api.stop() }
            let seeder = FleetSeeder(database: database, logger: logger)
            try await seeder.waitForSchema()
            let fleet = try await seeder.seed(count: largest, caDirectory: try required("CA_DIR"), serverCA: try required("AGENT_TLS_CA_FILE"))
            try await api.waitUntilReady(probe: fleet[0], group: group, within: only == "cost" ? .seconds(900) : .seconds(120))
            report("ingest benchmark (\(Date().formatted(.iso8601)), release build, \(ProcessInfo.processInfo.activeProcessorCount) cores)")
            report("  \(largest) agents enrolled (own key and certificate each)\(legacyAgents ? "; agents retry with the legacy backoff" : "")")
            if only == "cost" {
                try await instructionCost(fleet: fleet, payloads: payloads, api: api, group: group, output: callgrindOutput)
                return
            }
            if only == "storm" {
                for size in sizes {
                    _ = try await sustained(
                        fleet: Array(fleet.prefix(size)), payloads: payloads, api: api, database: database, group: group, logger: logger, window: 10,
                        storm: true)
                }
                return
            }

            try await saturation(
                fleet: Array(fleet.prefix(saturationConnections)), payloads: payloads, api: api, database: database, group: group, logger: logger)

            var passing: Int?
            for size in sizes {
                let result = try await sustained(
                    fleet: Array(fleet.prefix(size)), payloads: payloads, api: api, database: database, group: group, logger: logger, window: window)
                guard result else { break }
                passing = size
            }
            report("  largest fleet sustained: \(passing.map(String.init) ?? "none") agents (target ≥ 10000)")
            if let passing {
                _ = try await sustained(
                    fleet: Array(fleet.prefix(passing)), payloads: payloads, api: api, database: database, group: group, logger: logger, window: 10,
                    storm: true)
                if cleanupRows > 0 {
                    try await cleanupUnderIngest(
                        fleet: Array(fleet.prefix(max(1, passing / 2))), payloads: payloads, api: api, database: database, group: group,
                        logger: logger, scheduler: try required("SCHEDULER_BIN"), environment: environment)
                }
            }
        }
        try await group.shutdownGracefully()
    }

    // MARK: Instructions per request

    private func instructionCost(
        fleet: [SimulatedAgent], payloads: CollectPayloads, api: APIProcess, group: any EventLoopGroup, output: String
    ) async throws {
        let cost = InstructionCost(
            api: api, payloads: payloads, group: group, outputFile: output, connections: costConnections, perConnection: costRequests)
        let phases = try await cost.measure(fleet: fleet)
        let ping = phases[0].perRequest
        report("  instructions per request in the api (callgrind; \(costConnections) connections × \(costRequests) requests per phase, idle subtracted):")
        for phase in phases {
            let name = phase.name.padding(toLength: 52, withPad: " ", startingAt: 0)
            report(String(format: "    %@ %9.0f instructions  (%.1f × ping)", name, phase.perRequest, phase.perRequest / ping))
        }
        let perRequest = Dictionary(uniqueKeysWithValues: phases.map { ($0.name, $0.perRequest) })
        let single = { (kind: String) in perRequest[kind == "heartbeat" ? "POST /agent/heartbeat" : "POST /agent/collect \(kind)"]! }
        let mix = InstructionCost.hourlyMix
        let posts = mix.filter { $0.0 != "heartbeat" }
        let reportsPerHour = posts.reduce(0) { $0 + $1.1 }
        let heartbeats = mix.first { $0.0 == "heartbeat" }!.1 * single("heartbeat")
        let singles = posts.reduce(0) { $0 + single($1.0) * $1.1 }
        report(
            String(
                format:
                    "    one post per collector (agents before the batch route): %.0f instructions per collected report (%.1f × ping); per agent and hour, heartbeats included: %.0f million",
                singles / reportsPerHour, singles / reportsPerHour / ping, (singles + heartbeats) / 1e6))
        if let alone = perRequest["POST /agent/collect/batch metrics"] {
            // The agent's hour: a batch every 10 s (metrics), each other collector adding what it adds to a batch.
            let batched = posts.reduce(0) { total, post in
                total + post.1 * (post.0 == "metrics" ? alone : perRequest["POST /agent/collect/batch metrics + \(post.0)"]! - alone)
            }
            report(
                String(
                    format:
                        "    collectors due together in one batch post (current agents):   %.0f instructions per collected report (%.1f × ping); per agent and hour, heartbeats included: %.0f million",
                    batched / reportsPerHour, batched / reportsPerHour / ping, (batched + heartbeats) / 1e6))
        }
    }

    // MARK: Saturation

    private func saturation(
        fleet: [SimulatedAgent], payloads: CollectPayloads, api: APIProcess, database: PostgresClient, group: any EventLoopGroup, logger: Logger
    ) async throws {
        try await truncate(database, logger: logger)
        let beforePing = await api.metrics(group: group).map(ServerLatency.init(exposition:))
        let ping = try await closedLoop(fleet: fleet, api: api, group: group) { _ in (.GET, "/agent/ping", nil) }
        let beforeCollect = await api.metrics(group: group).map(ServerLatency.init(exposition:))
        let collect = try await closedLoop(fleet: fleet, api: api, group: group) { agent in
            (.POST, "/agent/collect", payloads.body("metrics", sequence: agent.nextSequence("metrics")))
        }
        let afterCollect = await api.metrics(group: group).map(ServerLatency.init(exposition:))
        let rows = try await count("metrics", database, logger: logger)
        report(String(format: "  saturation, %d connections, %d s each, closed loop:", fleet.count, saturationSeconds))
        report(String(format: "    GET  /agent/ping     %7.0f req/s  p50 %5.1f ms  p99 %5.1f ms", ping.rate, ping.p50, ping.p99))
        report("      " + ServerLatency.line(before: beforePing, after: beforeCollect, routes: ["/agent/ping"]))
        report(String(format: "    POST /agent/collect  %7.0f req/s  p50 %5.1f ms  p99 %5.1f ms  (metrics payload)", collect.rate, collect.p50, collect.p99))
        report("      " + ServerLatency.line(before: beforeCollect, after: afterCollect, routes: ["/agent/collect"]))
        report(String(format: "    ratio collect ÷ ping %.2f (target ≥ 0.5)", collect.rate / ping.rate))
        report(
            String(
                format: "    PostgreSQL rows written at saturation: %.0f rows/s (%d metrics rows in the database for %d stored posts)",
                Double(rows) / Double(saturationSeconds), rows, collect.ok))
        let copyRate = try await copyRows(rows, machines: fleet.map(\.machineID), database: database, logger: logger)
        report(
            String(
                format: "    COPY of as many rows into metrics:     %.0f rows/s (ingest ÷ COPY %.2f)", copyRate,
                Double(rows) / Double(saturationSeconds) / copyRate))
    }

    struct LoopResult {
        let rate: Double
        let p50: Double
        let p99: Double
        let ok: Int
    }

    /// Every connection sends its next request as soon as the previous one is answered.
    private func closedLoop(
        fleet: [SimulatedAgent], api: APIProcess, group: any EventLoopGroup,
        request: @escaping @Sendable (SimulatedAgent) -> (HTTPMethod, String, ByteBuffer?)
    ) async throws -> LoopResult {
        let seconds = saturationSeconds
        let results = try await withThrowingTaskGroup(of: ([Double], Int).self) { tasks in
            for agent in fleet {
                tasks.addTask {
                    try await AgentConnection.with(host: "127.0.0.1", port: api.agentPort, tls: agent.tls, group: group) { connection in
                        _ = try await connection.send(.GET, "/agent/ping") // handshake outside the timing
                        var latencies: [Double] = []
                        var failures = 0
                        let end = ContinuousClock.now + .seconds(seconds)
                        while ContinuousClock.now < end {
                            let (method, path, body) = request(agent)
                            let start = ContinuousClock.now
                            let response = try await connection.send(method, path, body: body)
                            if response.status == 200 { latencies.append((ContinuousClock.now - start).asSeconds * 1000) } else { failures += 1 }
                        }
                        return (latencies, failures)
                    }
                }
            }
            return try await tasks.reduce(into: ([Double](), 0)) {
                $0.0 += $1.0
                $0.1 += $1.1
            }
        }
        if results.1 > 0 { report("    \(results.1) requests failed") }
        return LoopResult(
            rate: Double(results.0.count) / Double(seconds), p50: results.0.percentile(0.5), p99: results.0.percentile(0.99), ok: results.0.count)
    }

    /// `COPY metrics FROM STDIN` of `rows` rows shaped like the metrics fixture; rows/s.
    private func copyRows(_ rows: Int, machines: [UUID], database: PostgresClient, logger: Logger) async throws -> Double {
        let columns = [
            "machine_id", "recorded_at", "cpu_percent", "ram_percent", "ram_used_bytes", "ram_total_bytes", "swap_percent", "uptime_seconds",
            "cpu_temp", "process_count", "load_1", "load_5", "load_15", "disk_read_bytes_per_sec", "disk_write_bytes_per_sec",
            "disk_latency_ms", "io_wait_percent",
        ]
        let start = ContinuousClock.now
        try await database.withConnection { connection in
            try await connection.copyFrom(table: "metrics", columns: columns, logger: logger) { writer in
                var buffer = ByteBuffer()
                for index in 0..<rows {
                    buffer.writeString(
                        "\(machines[index % machines.count])\t2026-11-22 05:00:00.\(index % 1_000_000)+00\t23.4\t61.2\t5257924608\t8589934592\t2.5\t1209600\t48\t182\t0.07\t0.59\t2.61\t40960\t1187840\t3.2\t1.4\n"
                    )
                    if buffer.readableBytes > 1 << 16 {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
                try await writer.write(buffer)
            }
        }
        return Double(rows) / (ContinuousClock.now - start).asSeconds
    }

    // MARK: Sustained fleets and the reconnect storm

    /// Runs `fleet` for the window; true when it passes. With `storm`, restarts the api after the
    /// window and reports how long the fleet takes to post again.
    private func sustained(
        fleet: [SimulatedAgent], payloads: CollectPayloads, api: APIProcess, database: PostgresClient, group: any EventLoopGroup,
        logger: Logger, window: Int, storm: Bool = false
    ) async throws -> Bool {
        try await truncate(database, logger: logger)
        progress("fleet of \(fleet.count): connecting")
        let ramp = Duration.milliseconds(Int64(fleet.count) * 1000 / Int64(rampRate))
        let run = FleetRun(
            host: "127.0.0.1", port: api.agentPort, payloads: payloads, scheduleStart: .now + ramp + .seconds(3), window: .seconds(window),
            selfStopping: !storm, legacy: legacyAgents)
        var stormReport = ""
        var connectedLate = Duration.zero
        var server: (before: ServerLatency?, after: ServerLatency?) = (nil, nil)
        var cpu: (before: ProcessCPU?, after: ProcessCPU?) = (nil, nil)
        let monitor = Task {
            while true {
                try await Task.sleep(for: .seconds(5))
                let states = run.states.withLock { $0 }
                progress(
                    "agents waiting \(states[0]), connecting \(states[1]), sleeping \(states[2]), posting \(states[3]), backing off \(states[4]), done \(states[5])"
                )
            }
        }
        try await withThrowingDiscardingTaskGroup { tasks in
            for (index, agent) in fleet.enumerated() {
                let delay = Duration.milliseconds(Int64(index) * 1000 / Int64(rampRate))
                tasks.addTask { await run.run(agent, group: group, delay: delay) }
            }
            // The window opens 5 s after every agent has connected and the ramp's backlog is
            // answered (``FleetRun/settled``): the handshakes, which a slower machine does at
            // fewer than the ramp's 600 a second, are not the steady state measured. After 120 s
            // it opens anyway.
            try await Task.sleep(until: run.scheduleStart)
            while !run.settled && ContinuousClock.now < run.scheduleStart + .seconds(120) { try await Task.sleep(for: .milliseconds(200)) }
            let opened = ContinuousClock.now + .seconds(5)
            connectedLate = opened - run.scheduleStart
            let windowEnd = run.measure(from: opened)
            try await Task.sleep(until: opened)
            server.before = await api.metrics(group: group).map(ServerLatency.init(exposition:))
            cpu.before = ProcessCPU.read(api: api.pid)
            try await Task.sleep(until: windowEnd)
            cpu.after = ProcessCPU.read(api: api.pid)
            server.after = await api.metrics(group: group).map(ServerLatency.init(exposition:))
            if storm {
                let killed = ContinuousClock.now
                let restart = try await api.restart()
                let (stopped, ready) = (restart.exited, restart.listening)
                let cpuAtReady = ProcessCPU.read(api: api.pid)
                let ids = Set(fleet.map(\.machineID))
                var shown = ready
                while true {
                    let back = run.tally.withLock { tally in ids.count { (tally.lastReconnect[$0] ?? killed) > killed } }
                    if back == ids.count { break }
                    if ContinuousClock.now - shown >= .seconds(1) {
                        shown = .now
                        progress(String(format: "storm +%.1f s: %d of %d agents back", (shown - ready).asSeconds, back, ids.count))
                    }
                    if ContinuousClock.now - ready > .seconds(300) {
                        stormReport = "    gave up after 300 s: \(back) of \(ids.count) agents back"
                        break
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                if stormReport.isEmpty {
                    let done = ContinuousClock.now
                    stormReport = String(
                        format:
                            "    every agent posting again %.1f s after the new api was ready (%.1f s after the old one was stopped; "
                            + "api down %.1f s: %.1f s for the old one to exit, %.1f s for the new one to be ready)",
                        (done - ready).asSeconds, (done - killed).asSeconds, (ready - killed).asSeconds, (stopped - killed).asSeconds,
                        (ready - stopped).asSeconds)
                    // The machine's work for the storm (the fleet's routine posts meanwhile included).
                    stormReport +=
                        "\n    CPU from ready to every agent back: "
                        + ProcessCPU.perAgent(before: cpuAtReady, after: ProcessCPU.read(api: api.pid), agents: ids.count)
                    // The posts the agents spooled while the api was away, stored.
                    while ContinuousClock.now - ready < .seconds(300) {
                        let stored = run.tally.withLock { tally in ids.compactMap { tally.backlogStored[$0] }.filter { $0 > killed } }
                        if stored.count == ids.count {
                            stormReport += String(
                                format: "\n    every agent's backlog stored %.1f s after the new api was ready", (stored.max()! - ready).asSeconds)
                            break
                        }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
                // The new api's counters start at zero: everything it answered since it started.
                if let text = await api.metrics(group: group) {
                    let (zero, now) = (ServerLatency(buckets: [:]), ServerLatency(exposition: text))
                    let since = ServerLatency.line(before: zero, after: now)
                    for route in ["/agent/heartbeat", "/agent/collect/batch"] {
                        stormReport += "\n    new api meanwhile, \(route): " + ServerLatency.line(before: zero, after: now, routes: [route])
                    }
                    for commits in ServerLatency.commitLines(before: zero, after: now) { stormReport += "\n    new api meanwhile, " + commits }
                    func count(_ name: String) -> String { ServerLatency.counter(name, in: text).map { String(format: "%.0f", $0) } ?? "not counted" }
                    stormReport +=
                        "\n    new api meanwhile: \(since); connections over the handshake limit: "
                        + "\(count("api_agent_connections_waited_total")) waited, \(count("api_agent_connections_refused_total")) refused; "
                        + "\(count("api_agent_handshakes_failed_total")) handshakes failed"
                    stormReport += "\n    new api's answers by status: \(ServerLatency.statuses(in: text))"
                }
            }
            run.stop()
        }
        monitor.cancel()
        if storm {
            report("  reconnect storm, \(fleet.count) agents, api restarted (SIGTERM, start, migrations checked):")
            report(stormReport)
            return true
        }
        try await Task.sleep(for: .seconds(1))
        let tally = run.tally.withLock { $0 }
        var missing: [String] = []
        for (table, expected) in tally.stored.sorted(by: { $0.key < $1.key }) {
            let found = try await count(table, database, logger: logger)
            if found != expected { missing.append("\(table) \(found)/\(expected)") }
        }
        let p99 = tally.latencies.percentile(0.99)
        let passed = p99 < 100 && tally.errors == 0 && missing.isEmpty && !tally.latencies.isEmpty
        let rate = Double(tally.latencies.count) / Double(window)
        report(
            String(
                format: "  fleet %6d agents, %d s: %6.0f req/s  p50 %6.1f ms  p99 %7.1f ms  errors %d  rows %@  %@",
                fleet.count, window, rate, tally.latencies.percentile(0.5), p99, tally.errors,
                missing.isEmpty ? "all present" : missing.joined(separator: ", "), passed ? "PASS" : "FAIL"))
        report(
            String(
                format:
                    "    of which: request written → answer p50 %.1f ms  p99 %.1f ms; due → written (the generator's timers and threads) p50 %.1f ms  p99 %.1f ms",
                tally.exchanges.percentile(0.5), tally.exchanges.percentile(0.99), tally.lateness.percentile(0.5), tally.lateness.percentile(0.99)))
        report(
            String(
                format: "    window opened %.1f s after the agents' schedules started: every agent connected and the ramp's backlog answered, then 5 s",
                connectedLate.asSeconds))
        report("    " + ServerLatency.line(before: server.before, after: server.after))
        for line in ServerLatency.commitLines(before: server.before, after: server.after) { report("    " + line) }
        if let before = cpu.before, let after = cpu.after {
            report("    " + ProcessCPU.line(before: before, after: after, seconds: Double(window), requests: tally.latencies.count))
        }
        for sample in tally.errorSamples { report("    error: \(sample)") }
        return passed
    }

    // MARK: Retention under ingest

    /// Seeds `cleanupRows` metric rows 400 days old (past every licence's retention) over the
    /// fleet's machines, then runs the retention job while the fleet posts.
    private func cleanupUnderIngest(
        fleet: [SimulatedAgent], payloads: CollectPayloads, api: APIProcess, database: PostgresClient, group: any EventLoopGroup,
        logger: Logger, scheduler: String, environment: [String: String]
    ) async throws {
        try await truncate(database, logger: logger)
        progress("seeding \(cleanupRows) expired metric rows")
        let perMachine = (cleanupRows + fleet.count - 1) / fleet.count
        let seedStart = ContinuousClock.now
        try await database.query(
            """
            INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent, ram_used_bytes, ram_total_bytes, uptime_seconds)
            SELECT m, now() - INTERVAL '400 days' - g * INTERVAL '10 seconds', 23.4, 61.2, 5257924608, 8589934592, 1209600
            FROM unnest(\(fleet.map(\.machineID))::uuid[]) AS m, generate_series(1, \(perMachine)) AS g
            """, logger: logger)
        try await database.query("ANALYZE metrics", logger: logger)
        let seeded = try await count("metrics", database, logger: logger)
        progress(String(format: "seeded %d rows in %.0f s", seeded, (ContinuousClock.now - seedStart).asSeconds))

        let ramp = Duration.milliseconds(Int64(fleet.count) * 1000 / Int64(rampRate))
        let run = FleetRun(
            host: "127.0.0.1", port: api.agentPort, payloads: payloads, scheduleStart: .now + ramp + .seconds(3), window: .seconds(3_600),
            selfStopping: false)
        var job = ""
        var jobSeconds = 0.0
        try await withThrowingDiscardingTaskGroup { tasks in
            for (index, agent) in fleet.enumerated() {
                let delay = Duration.milliseconds(Int64(index) * 1000 / Int64(rampRate))
                tasks.addTask { await run.run(agent, group: group, delay: delay) }
            }
            run.measure(from: run.scheduleStart)
            try await Task.sleep(until: run.scheduleStart)
            let started = ContinuousClock.now
            job = try await runJob(scheduler, "retention", environment: environment)
            jobSeconds = (ContinuousClock.now - started).asSeconds
            run.stop()
        }
        let tally = run.tally.withLock { $0 }
        let deleted = seeded + (tally.stored["metrics"] ?? 0) - (try await count("metrics", database, logger: logger))
        let p99 = tally.latencies.percentile(0.99)
        report("  retention under ingest, \(fleet.count) agents posting (half the largest fleet):")
        report(
            String(
                format: "    %d expired rows deleted in %.1f s: %.0f rows/s  (%@)", deleted, jobSeconds, Double(deleted) / jobSeconds,
                job.trimmingCharacters(in: .whitespacesAndNewlines)))
        report(
            String(
                format: "    ingest meanwhile: %.0f req/s  p50 %.1f ms  p99 %.1f ms  errors %d  %@ (target p99 < 200 ms)",
                Double(tally.latencies.count) / jobSeconds, tally.latencies.percentile(0.5), p99, tally.errors, p99 < 200 && tally.errors == 0 ? "PASS" : "FAIL"
            ))
    }

    /// `optralis-scheduler run-job NAME`, to completion; its one line of output.
    private func runJob(_ scheduler: String, _ name: String, environment: [String: String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: scheduler)
        process.arguments = ["run-job", name]
        process.environment = environment.merging(["LOG_LEVEL": "warning"]) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    /// Written at once, not buffered: `make bench` pipes the report through tee.
    private func report(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data("[\(Date().formatted(.iso8601))] \(line)\n".utf8))
    }

    private func truncate(_ database: PostgresClient, logger: Logger) async throws {
        try await database.query("TRUNCATE metrics, disk_info, smart_data, event_logs", logger: logger)
    }

    private func count(_ table: String, _ database: PostgresClient, logger: Logger) async throws -> Int {
        try await database.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(table)"), logger: logger)
            .decode(Int.self).reduce(into: 0) { $0 = $1 }
    }
}
