import Foundation
import NIOCore
import NIOSSL

/// The posts of one simulated agent, at the spec's default intervals ("Collectors (8 types)"),
/// plus a heartbeat every 60 s and the journal's events every 5 minutes. Each collector starts
/// at a random phase, so a fleet's load is spread as a real one's is. Sequence numbers live as
/// long as the agent (across runs), as the agent's spool keeps them.
final class SimulatedAgent: @unchecked Sendable {
    // @unchecked: an agent's mutable state (schedule, sequences) is only touched by the one task
    // that runs it; the runs of a benchmark use it one after the other.
    let machineID: UUID
    let tls: NIOSSLContext
    private var sequences: [String: Int64] = [:]
    private var due: [(kind: String, interval: Double, at: ContinuousClock.Instant)] = []

    static let intervals: [(String, Double)] = [
        ("metrics", 10), ("storage", 300), ("storage_health", 7_200), ("network", 30), ("services", 120), ("security", 900),
        ("software", 14_400), ("patches", 21_600), ("events", 300), ("heartbeat", 60),
    ]

    init(machineID: UUID, tls: NIOSSLContext) {
        self.machineID = machineID
        self.tls = tls
    }

    /// Random phases from `start`. `aligned`: as the current agent, the collectors tick on one
    /// grid of 10 s (the shortest interval) from the agent's own random phase, so those due at
    /// the same instant go in one batch post; otherwise (agents of before) each collector has
    /// its own phase. The heartbeat keeps its own phase either way.
    func schedule(from start: ContinuousClock.Instant, aligned: Bool) {
        let phase = Double.random(in: 0..<10)
        due = Self.intervals.map { kind, interval in
            let offset = aligned && kind != "heartbeat" ? phase + 10 * Double(Int.random(in: 0..<Int(interval / 10))) : Double.random(in: 0..<interval)
            return (kind, interval, start + .milliseconds(Int64(offset * 1000)))
        }
    }

    struct Post {
        /// One collector (or `heartbeat`), or, aligned, every collector due at that instant.
        let kinds: [(kind: String, sequence: Int64)]
        let due: ContinuousClock.Instant
        var isHeartbeat: Bool { kinds.first?.kind == "heartbeat" }
    }

    /// The next post in time, with the collectors due at the same instant when `together`; their
    /// schedules move on by their intervals.
    func next(together: Bool) -> Post {
        let first = due.indices.min { due[$0].at < due[$1].at }!
        let at = due[first].at
        let indices = together && due[first].kind != "heartbeat" ? due.indices.filter { due[$0].at == at && due[$0].kind != "heartbeat" } : [first]
        var kinds: [(kind: String, sequence: Int64)] = []
        for index in indices {
            let entry = due[index]
            due[index].at = entry.at + .milliseconds(Int64(entry.interval * 1000))
            kinds.append((entry.kind, entry.kind == "heartbeat" ? 0 : nextSequence(entry.kind)))
        }
        return Post(kinds: kinds, due: at)
    }

    /// After a reconnect, as the agent does: the heartbeats missed while the gateway was away are
    /// not sent (the reconnect's own heartbeat stands for them; each keeps its phase), and every
    /// collector post that came due meanwhile joins `post` in one batch, as the agent's batch
    /// sender takes its whole spool (up to ``batchLimit`` posts). A pending heartbeat is dropped.
    func catchUp(_ post: Post?, now: ContinuousClock.Instant) -> Post? {
        for index in due.indices where due[index].kind == "heartbeat" {
            while due[index].at <= now { due[index].at = due[index].at + .milliseconds(Int64(due[index].interval * 1000)) }
        }
        var kinds = post.flatMap { $0.isHeartbeat ? nil : $0.kinds } ?? []
        var first = post.flatMap { $0.isHeartbeat ? nil : $0.due }
        while kinds.count < Self.batchLimit, let index = due.indices.min(by: { due[$0].at < due[$1].at }), due[index].at <= now {
            let entry = due[index]
            due[index].at = entry.at + .milliseconds(Int64(entry.interval * 1000))
            kinds.append((entry.kind, nextSequence(entry.kind)))
            first = first ?? entry.at
        }
        return first.map { Post(kinds: kinds, due: $0) }
    }

    /// The agent's most posts in one batch (`AgentLoop.batchLimit`).
    static let batchLimit = 64

    func nextSequence(_ kind: String) -> Int64 {
        let sequence = (sequences[kind] ?? 0) + 1
        sequences[kind] = sequence
        return sequence
    }
}

/// The fixture `data` of each collector (shared with the api's tests) and the rows a stored post
/// of each adds to the time-series tables.
struct CollectPayloads: Sendable {
    let data: [String: String]

    static let heartbeat = ByteBuffer(
        string: #"{"os":"linux","os_version":"Debian GNU/Linux 12 (bookworm)","agent_version":"1.0.0","cpu_percent":23.4,"ram_percent":61.2}"#)

    init(directory: String) throws {
        var data: [String: String] = [:]
        for (kind, _) in SimulatedAgent.intervals where kind != "heartbeat" {
            data[kind] = try String(contentsOfFile: "\(directory)/\(kind).json", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        self.data = data
    }

    func body(_ kind: String, sequence: Int64) -> ByteBuffer {
        ByteBuffer(string: #"{"collector":"\#(kind)","sequence":\#(sequence),"data":\#(data[kind]!)}"#)
    }

    /// A `POST /agent/collect/batch` body.
    func batch(_ posts: [(kind: String, sequence: Int64)]) -> ByteBuffer {
        var buffer = ByteBuffer(string: #"{"posts":["#)
        for (index, post) in posts.enumerated() {
            if index > 0 { buffer.writeString(",") }
            var one = body(post.kind, sequence: post.sequence)
            buffer.writeBuffer(&one)
        }
        buffer.writeString("]}")
        return buffer
    }

    /// (table, rows) a stored post of `kind` adds.
    static func rows(_ kind: String) -> (String, Int)? {
        switch kind {
        case "metrics", "network": ("metrics", 1)
        case "storage": ("disk_info", 3)
        case "storage_health": ("smart_data", 2)
        case "events": ("event_logs", 3)
        default: nil
        }
    }
}
