#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// A collector with its report already encoded: what the runtime schedules and spools.
public struct AnyCollector: Sendable {
    public let kind: String
    let collectJSON: @Sendable () async throws -> Data
    /// Called once the post is safely in the spool (the journal cursor moves on).
    let spooled: @Sendable () async throws -> Void
    /// True while there is nothing to collect (no database set on this machine): no post is made.
    let isIdle: @Sendable () -> Bool

    init<C: Collector>(
        _ collector: C, spooled: @escaping @Sendable () async throws -> Void = {}, isIdle: @escaping @Sendable () -> Bool = { false }
    ) {
        kind = C.kind
        collectJSON = { try AgentJSON.encoder.encode(try await collector.collect()) }
        self.spooled = spooled
        self.isIdle = isIdle
    }

    public func collect() async throws -> Data { try await collectJSON() }
}

/// The Linux collectors, in the order the spec lists them, plus the journal's events, the
/// monitored databases (`databases` lists them, from the configuration reply) and the APM probes.
public enum CollectorSet {
    public static func linux(
        files: SystemFiles = SystemFiles(), stateDirectory: String, gateway: (host: String, port: Int)?, databases: DatabaseTargetList = DatabaseTargetList(),
        apm: APMCollector? = nil
    ) -> [AnyCollector] {
        let runner = CommandRunner()
        let events = EventsCollector(stateDirectory: stateDirectory, runner: runner)
        return [
            AnyCollector(MetricsCollector(files: files)),
            AnyCollector(StorageCollector(files: files)),
            AnyCollector(StorageHealthCollector(runner: runner)),
            AnyCollector(NetworkCollector(files: files, probe: gateway)),
            AnyCollector(ServicesCollector(runner: runner)),
            AnyCollector(SecurityCollector(files: files, runner: runner)),
            AnyCollector(SoftwareCollector(files: files, runner: runner)),
            AnyCollector(PatchesCollector(files: files, runner: runner)),
            AnyCollector(events, spooled: { try await events.commit() }),
            AnyCollector(DatabasesCollector(runner: runner, targets: databases), isIdle: { databases.isEmpty }),
        ] + (apm.map { [AnyCollector($0)] } ?? [])
    }

    /// Default intervals in seconds (spec "Collectors (8 types)"); events every minute.
    public static let defaultIntervals: [String: Int] = [
        "metrics": 10, "storage": 300, "storage_health": 7200, "network": 30, "services": 120, "security": 900, "software": 14400,
        "patches": 21600, "events": 60, "databases": 60, "apm": 30,
    ]
}

/// The agent's JSON: ISO 8601 dates with milliseconds (journal entries keep their order), as
/// the gateway reads them.
enum AgentJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        encoder.outputFormatting = .withoutEscapingSlashes
        return encoder
    }()
}
