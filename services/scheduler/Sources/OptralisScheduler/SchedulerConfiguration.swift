import Foundation
import OptralisCore
import OptralisPostgres
import OptralisRedis
import OptralisServer

/// The scheduler service's settings, read from the environment (see docs/configuration.md).
public struct SchedulerConfiguration: Sendable {
    public var address: ListenAddress
    public var databaseURL: DatabaseURL
    public var redisURL: RedisURL
    public var internalServiceToken: String
    /// This replica's name in the job locks (`SCHEDULER_ID`; default host name, pid, random).
    public var replicaID: String
    public var publicURL: String
    /// Where the uptime job checks the api and the ai service (`API_SERVICE_URL`, `AI_SERVICE_URL`).
    public var apiURL: String
    /// A machine not seen for this long is offline (`OFFLINE_THRESHOLD_MINUTES`, default 5).
    public var offlineAfter: Duration
    public var aiURL: String
    /// Schedules that replace a job's default (`SCHEDULER_SCHEDULES`, `job=expression` separated by
    /// `;`, e.g. `retention=30 2 * * *;machine-alerts=@every 30s`).
    public var scheduleOverrides: [String: Schedule] = [:]

    public init(environment variables: [String: String]) throws(ConfigurationError) {
        var reader = EnvironmentReader(variables)
        address = reader.listenAddress(portVariable: "SCHEDULER_PORT", defaultPort: 3004)
        databaseURL = reader.databaseURL()
        redisURL = reader.redisURL(required: true) ?? RedisURL(host: "")
        internalServiceToken = reader.internalServiceToken()
        replicaID =
            reader.value("SCHEDULER_ID")
            ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
        publicURL = reader.string("PUBLIC_URL", default: "http://localhost:3000")
        offlineAfter = .seconds(60 * reader.int("OFFLINE_THRESHOLD_MINUTES", default: 5, range: 1...1440))
        apiURL = reader.string("API_SERVICE_URL", default: "http://127.0.0.1:3000")
        aiURL = reader.string("AI_SERVICE_URL", default: "http://127.0.0.1:3002")
        for entry in (reader.value("SCHEDULER_SCHEDULES") ?? "").split(separator: ";") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, SchedulerServer.jobNames.contains(parts[0]) else {
                reader.report("SCHEDULER_SCHEDULES", "\"\(entry)\" must be job=expression with job one of \(SchedulerServer.jobNames.joined(separator: ", "))")
                continue
            }
            do {
                scheduleOverrides[parts[0]] = try Schedule(parts[1])
            } catch {
                reader.report("SCHEDULER_SCHEDULES", "\(parts[0]): \(error.reason)")
            }
        }
        try reader.validate()
    }
}
