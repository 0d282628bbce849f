import Foundation
import NIOCore
import NIOHTTP1
import OptralisCore
import Synchronization

/// One run of a simulated fleet against the agents' port: every agent connects (spread over a
/// ramp), then posts on its schedule, which starts at ``scheduleStart``, until stopped. Requests
/// due inside the measured window (set by ``measure(from:)``, once the fleet is connected)
/// count for latency and errors; every stored post counts for the row check.
///
/// A lost connection is retried as the agent does (``AgentRetryPolicy``: while the gateway is
/// unreachable, full-jitter backoff capped at the reconnect window the heartbeat's reply gave;
/// a 503/429's `Retry-After`), the post that failed first. Collectors due together go in one
/// `POST /agent/collect/batch`, as the agent sends them. `legacy` simulates the agents before
/// both (one post per collector, each on its own phase; 0.5 s doubling backoff capped at 30 s,
/// whatever the failure), for comparison.
final class FleetRun: Sendable {
    struct Tally {
        /// From the post's due time to its answer (the agent's view, the generator's own delays included).
        var latencies: [Double] = []
        /// From the request written to its answer.
        var exchanges: [Double] = []
        /// From the due time to the request written: the generator's timers and threads, on the same cores.
        var lateness: [Double] = []
        var errors = 0
        var errorSamples: [String] = []
        var stored: [String: Int] = [:]
        var duplicates = 0
        var lastReconnect: [UUID: ContinuousClock.Instant] = [:]
        /// When each agent's posts due while it was away were stored, after its last reconnect.
        var backlogStored: [UUID: ContinuousClock.Instant] = [:]
    }

    let host: String
    let port: Int
    let payloads: CollectPayloads
    /// When the agents' schedules start: their first posts are due from then on.
    let scheduleStart: ContinuousClock.Instant
    let window: Duration
    let selfStopping: Bool
    private let measured = Mutex<Measured?>(nil)

    private struct Measured {
        let start: ContinuousClock.Instant
        let end: ContinuousClock.Instant
        /// When the agents stop by themselves (the window plus time for the last answers); nil:
        /// at ``stop()``. Agents are never cancelled mid-request: a post the server stored but
        /// whose answer was dropped would be missing from the tally.
        let stopAt: ContinuousClock.Instant?
    }
    let legacy: Bool
    let tally = Mutex(Tally())
    let stopped = Atomic<Bool>(false)
    /// Agents by what they are doing, for the progress lines: 0 waiting to start, 1 connecting,
    /// 2 sleeping until a post, 3 posting, 4 backing off, 5 done.
    let states = Mutex([Int](repeating: 0, count: 6))

    private func move(_ from: Int, _ to: Int) {
        states.withLock {
            $0[from] -= 1
            $0[to] += 1
        }
    }

    init(
        host: String, port: Int, payloads: CollectPayloads, scheduleStart: ContinuousClock.Instant, window: Duration, selfStopping: Bool,
        legacy: Bool = false
    ) {
        self.legacy = legacy
        self.host = host
        self.port = port
        self.payloads = payloads
        self.scheduleStart = scheduleStart
        self.window = window
        self.selfStopping = selfStopping
    }

    /// Opens the measured window at `start`; returns its end.
    @discardableResult
    func measure(from start: ContinuousClock.Instant) -> ContinuousClock.Instant {
        let end = start + window
        measured.withLock { $0 = Measured(start: start, end: end, stopAt: selfStopping ? end + .seconds(2) : nil) }
        return end
    }

    private var stopAt: ContinuousClock.Instant? { measured.withLock { $0?.stopAt } }

    func stop() { stopped.store(true, ordering: .relaxed) }
    var isStopped: Bool { stopped.load(ordering: .relaxed) || stopAt.map { ContinuousClock.now >= $0 } ?? false }

    /// Every agent connected, and at most 2 % of them with a request in flight: the backlog of
    /// the ramp (first posts due while the handshakes still took the cores) is answered. In the
    /// steady state about 1 % are (a request every 8.6 s, answered in tens of milliseconds).
    var settled: Bool { states.withLock { $0[0] == 0 && $0[1] == 0 && $0[3] * 50 <= $0.reduce(0, +) } }

    private func inWindow(_ instant: ContinuousClock.Instant) -> Bool {
        measured.withLock { window in window.map { instant >= $0.start && instant < $0.end } ?? false }
    }

    private func failed(_ due: ContinuousClock.Instant, _ description: String) {
        guard inWindow(due), !isStopped else { return }
        tally.withLock {
            $0.errors += 1
            if $0.errorSamples.count < 5 { $0.errorSamples.append(description) }
        }
    }

    /// Runs `agent` until ``stop()``; connects after `delay` (the ramp).
    func run(_ agent: SimulatedAgent, group: any EventLoopGroup, delay: Duration) async {
        states.withLock { $0[0] += 1 }
        try? await Task.sleep(for: delay)
        agent.schedule(from: scheduleStart, aligned: !legacy)
        var attempt = 0
        var retry = AgentRetryPolicy()
        var pending: SimulatedAgent.Post?
        /// Reconnected, its catch-up post not answered yet.
        var catchingUp = false
        var state = 0
        func become(_ next: Int) {
            move(state, next)
            state = next
        }
        defer { become(5) }
        while !isStopped {
            do {
                become(1)
                try await AgentConnection.with(host: host, port: port, tls: agent.tls, group: group) { connection in
                    // The first request completes the TLS handshake: a heartbeat, as a starting agent sends.
                    let hello = try await connection.send(.POST, "/agent/heartbeat", body: CollectPayloads.heartbeat)
                    guard hello.status == 200 else { throw BadStatus(hello) }
                    attempt = 0
                    retry.reset()
                    if let window = Self.reconnectWindow(hello.body) { retry.setReconnectWindow(seconds: window) }
                    let now = ContinuousClock.now
                    let reconnected = tally.withLock { $0.lastReconnect.updateValue(now, forKey: agent.machineID) != nil }
                    if reconnected && !legacy { pending = agent.catchUp(pending, now: now) }
                    if reconnected {
                        catchingUp = pending != nil
                        if !catchingUp { tally.withLock { $0.backlogStored[agent.machineID] = now } }
                    }
                    while !isStopped {
                        let post = pending ?? agent.next(together: !legacy)
                        if pending == nil {
                            become(2)
                            guard await connection.sleep(until: stopAt.map { min($0, post.due) } ?? post.due) else { throw AgentConnection.Closed() }
                            if isStopped { return }
                        }
                        become(3)
                        pending = post
                        let sent = ContinuousClock.now
                        let response: AgentConnection.Response
                        if post.isHeartbeat {
                            response = try await connection.send(.POST, "/agent/heartbeat", body: CollectPayloads.heartbeat)
                        } else if legacy {
                            response = try await connection.send(
                                .POST, "/agent/collect", body: payloads.body(post.kinds[0].kind, sequence: post.kinds[0].sequence))
                        } else {
                            response = try await connection.send(.POST, "/agent/collect/batch", body: payloads.batch(post.kinds))
                        }
                        pending = nil
                        record(post, response, sent: sent)
                        if catchingUp && response.status == 200 {
                            catchingUp = false
                            let now = ContinuousClock.now
                            tally.withLock { $0.backlogStored[agent.machineID] = now }
                        }
                    }
                }
            } catch {
                if isStopped { break }
                if let post = pending { failed(post.due, "\(error)") }
                become(4)
                if legacy {
                    attempt += 1
                    let cap = min(30.0, 0.5 * pow(2.0, Double(attempt - 1)))
                    try? await Task.sleep(for: .milliseconds(Int64(Double.random(in: 0...cap) * 1000)))
                } else {
                    try? await Task.sleep(for: retry.nextDelay(after: Self.failure(error)))
                }
            }
        }
    }

    struct BadStatus: Error, CustomStringConvertible {
        let status: Int
        let body: String
        let retryAfter: Int?
        init(_ response: AgentConnection.Response) {
            status = response.status
            body = String(buffer: response.body)
            retryAfter = AgentRetryPolicy.retryAfter(response.headers.first(name: "Retry-After"))
        }
        var description: String { "HTTP \(status) \(body.prefix(200))" }
    }

    /// As the agent tells them apart: an HTTP 503/429, another status, or no HTTP answer at all.
    static func failure(_ error: any Error) -> AgentRetryPolicy.Failure {
        guard let bad = error as? BadStatus else { return .unreachable }
        return bad.status == 503 || bad.status == 429 ? .shedding(retryAfter: bad.retryAfter) : .other
    }

    /// `reconnect_window_seconds` of a heartbeat's reply, when the gateway sends it.
    static func reconnectWindow(_ body: ByteBuffer) -> Int? {
        let text = String(buffer: body)
        guard let key = text.firstRange(of: #""reconnect_window_seconds":"#) else { return nil }
        return Int(text[key.upperBound...].prefix { $0.isNumber })
    }

    private func record(_ post: SimulatedAgent.Post, _ response: AgentConnection.Response, sent: ContinuousClock.Instant) {
        let now = ContinuousClock.now
        let latency = (now - post.due).asSeconds * 1000
        guard response.status == 200 else { return failed(post.due, "\(BadStatus(response))") }
        // Each post's status, in order ("stored" / "duplicate"; one for a single post).
        let text = String(buffer: response.body)
        let statuses = post.isHeartbeat ? [] : text.split(separator: #""status":""#).dropFirst().map { $0.prefix { $0 != "\"" } }
        tally.withLock {
            if inWindow(post.due) {
                $0.latencies.append(latency)
                $0.exchanges.append((now - sent).asSeconds * 1000)
                $0.lateness.append((sent - post.due).asSeconds * 1000)
            }
            for (kind, status) in zip(post.kinds.map(\.kind), statuses) {
                if status == "duplicate" { $0.duplicates += 1 } else if let (table, rows) = CollectPayloads.rows(kind) { $0.stored[table, default: 0] += rows }
            }
        }
    }
}

extension Array where Element == Double {
    /// The value below which `fraction` of the samples fall (nearest rank).
    func percentile(_ fraction: Double) -> Double {
        guard !isEmpty else { return .nan }
        let sorted = self.sorted()
        return sorted[Swift.min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
    }
}
