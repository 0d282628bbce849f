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

    /// Random phases from `start`.
    func schedule(from start: ContinuousClock.Instant) {
        due = Self.intervals.map { kind, interval in (kind, interval, start + .milliseconds(Int64(Double.random(in: 0..<interval) * 1000))) }
    }

    struct Post {
        let kind: String
        let due: ContinuousClock.Instant
        let sequence: Int64
    }

    /// The next post in time; its schedule moves on by its interval.
    func next() -> Post {
        let index = due.indices.min { due[$0].at < due[$1].at }!
        let entry = due[index]
        due[index].at = entry.at + .milliseconds(Int64(entry.interval * 1000))
        guard entry.kind != "heartbeat" else { return Post(kind: entry.kind, due: entry.at, sequence: 0) }
        let sequence = (sequences[entry.kind] ?? 0) + 1
        sequences[entry.kind] = sequence
        return Post(kind: entry.kind, due: entry.at, sequence: sequence)
    }

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

    static let heartbeat = ByteBuffer(string: #"{"os":"linux","os_version":"Debian GNU/Linux 12 (bookworm)","agent_version":"1.0.0","cpu_percent":23.4,"ram_percent":61.2}"#)

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
