#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore
import Synchronization

/// `databases` (60 s, Pro+): the figures of each database the server set on this machine
/// (`/api/databases`; the list and the passwords come with the configuration reply). Each is
/// read with the database's own client tool (``PostgresProbe``: psql; ``MySQLProbe``: mariadb or
/// mysql) run by ``CommandRunner`` with a timeout and the password in the child's environment:
/// no driver linked into the agent. A figure that cannot be read is nil with a `missing` note.
public struct DatabasesCollector: Collector {
    public static let kind = "databases"
    let runner: CommandRunner
    let targets: DatabaseTargetList
    /// Deadlocks are sent as a delta: the server's counter at the previous sample, per database.
    private let counters = DeadlockCounters()

    public init(runner: CommandRunner = CommandRunner(), targets: DatabaseTargetList) {
        self.runner = runner
        self.targets = targets
    }

    public func collect() async throws -> DatabasesReport {
        var samples: [DatabaseSample] = []
        for target in targets.current {
            var (sample, counter) = await probe(target)
            let previous = counters.swap(target.id, counter)
            if let counter, let previous {
                // A counter below the previous one was reset: the deadlocks since the reset.
                sample.deadlocksCount = counter >= previous ? counter - previous : counter
            } else if counter != nil {
                sample.missing.append("deadlocks_count: first sample since the agent started (sent as the change between samples)")
            }
            samples.append(sample)
        }
        return DatabasesReport(databases: samples)
    }

    private func probe(_ target: DatabaseTarget) async -> (DatabaseSample, deadlockCounter: Int64?) {
        switch target.engine {
        case "postgresql": return await PostgresProbe(runner: runner).sample(target)
        case "mysql": return await MySQLProbe(runner: runner).sample(target)
        default:
            var sample = DatabaseSample(databaseID: target.id)
            sample.error = "engine \(target.engine) is not supported by this agent"
            return (sample, nil)
        }
    }
}

/// The databases this agent collects from, replaced at each configuration sync.
public final class DatabaseTargetList: Sendable {
    private let targets = Mutex([DatabaseTarget]())

    public init(_ initial: [DatabaseTarget] = []) { targets.withLock { $0 = initial } }

    public var current: [DatabaseTarget] { targets.withLock { $0 } }
    public var isEmpty: Bool { targets.withLock { $0.isEmpty } }
    public func replace(with list: [DatabaseTarget]) { targets.withLock { $0 = list } }
}

/// Each database's deadlock counter at the previous sample.
final class DeadlockCounters: Sendable {
    private let counters = Mutex([UUID: Int64]())

    /// Records `counter` for `id`; returns the one recorded before.
    func swap(_ id: UUID, _ counter: Int64?) -> Int64? {
        counters.withLock { known in
            defer { known[id] = counter }
            return known[id]
        }
    }
}

/// Parsing shared by the probes: one row a line, fields split by U+001F (never in the values).
enum ProbeOutput {
    static let separator: Character = "\u{1F}"

    static func rows(_ output: String, separator: Character = separator) -> [[String]] {
        output.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            line.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// A finite, non-negative number; nil for an empty field (SQL NULL) or anything else.
    static func number(_ field: String?) -> Double? {
        guard let field, let value = Double(field), value.isFinite, value >= 0 else { return nil }
        return value
    }

    /// The statements' rows both probes answer: `summary, mean ms, slow count, ''` then
    /// `query, calls, mean ms, text` for the slowest.
    static func statements(_ rows: [[String]], into sample: inout DatabaseSample) {
        for row in rows where row.count == 4 {
            if row[0] == "summary" {
                sample.queryTimeAvgMs = number(row[1]).map { ($0 * 1_000).rounded() / 1_000 }
                sample.slowQueriesCount = integer(row[2])
            } else if row[0] == "query", let calls = integer(row[1]), let mean = number(row[2]) {
                sample.slowQueries.append(SlowQuery(query: row[3], calls: calls, meanMs: (mean * 1_000).rounded() / 1_000))
            }
        }
        sample.slowQueries.sort { $0.meanMs > $1.meanMs }
        if sample.queryTimeAvgMs == nil { sample.missing.append("query_time_avg_ms: no statement recorded yet") }
    }

    static func integer(_ field: String?) -> Int64? {
        number(field).flatMap { $0 <= Double(Int64.max / 2) ? Int64($0) : nil }
    }
}
