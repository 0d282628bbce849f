import Foundation
import Logging
import OptralisCurl
import OptralisPostgres
import PostgresNIO

/// Every 30 minutes ("Service Uptime Tracking"): the state of the api, the database and the ai
/// service into `service_uptime`, and an incident in `service_incidents` opened when a service
/// stops being online and resolved when it is back.
struct UptimeJob: Sendable {
    let database: Database
    let http: CurlClient
    let apiURL: String
    let aiURL: String
    let logger: Logger
    /// A database ping slower than this is "degraded" (the spec's one second).
    var slowDatabase: Duration = .seconds(1)

    struct Check: Sendable, Equatable {
        let service: String
        let status: String
        let responseTimeMs: Int?
    }

    func run() async throws -> [String: Int] {
        let checks = [await service("api", apiURL), await databaseCheck(), await service("ai", aiURL)]
        var counts: [String: Int] = [:]
        for check in checks {
            try await record(check)
            counts[check.status, default: 0] += 1
        }
        return counts
    }

    /// Online when `/health` says ok, degraded when it answers anything else, offline when silent.
    func service(_ name: String, _ baseURL: String) async -> Check {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let response = try await http.send(OutboundRequest(url: "\(baseURL)/health", timeout: .seconds(5)))
            let elapsed = Int((clock.now - start).milliseconds)
            let ok = response.status == 200 && response.bodyText.contains(#""status":"ok""#)
            return Check(service: name, status: ok ? "online" : "degraded", responseTimeMs: elapsed)
        } catch {
            return Check(service: name, status: "offline", responseTimeMs: nil)
        }
    }

    /// Degraded above ``slowDatabase``.
    func databaseCheck() async -> Check {
        guard let latency = try? await database.ping(timeout: .seconds(5), logger: logger) else {
            return Check(service: "database", status: "offline", responseTimeMs: nil)
        }
        let milliseconds = Int(latency.milliseconds)
        return Check(service: "database", status: latency > slowDatabase ? "degraded" : "online", responseTimeMs: milliseconds)
    }

    func record(_ check: Check) async throws {
        try await database.client.transaction(logger: logger) { connection in
            try await connection.query(
                "INSERT INTO service_uptime (service_name, status, response_time_ms) VALUES (\(check.service), \(check.status), \(check.responseTimeMs))",
                logger: logger)
            if check.status == "online" {
                try await connection.query(
                    "UPDATE service_incidents SET resolved_at = now() WHERE service_name = \(check.service) AND resolved_at IS NULL", logger: logger)
            } else {
                try await connection.query(
                    """
                    INSERT INTO service_incidents (service_name, status, description)
                    SELECT \(check.service), \(check.status), \(check.service + " " + check.status)
                    WHERE NOT EXISTS (SELECT 1 FROM service_incidents WHERE service_name = \(check.service) AND resolved_at IS NULL)
                    """, logger: logger)
            }
        }
    }
}
