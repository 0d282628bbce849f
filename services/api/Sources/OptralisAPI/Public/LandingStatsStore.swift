import Foundation
import Logging
import PostgresNIO

/// The SQL of the website's public counters (``LandingStatsController``).
struct LandingStatsStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    func compute() async throws -> LandingStatsController.Stats {
        for try await row in try await database.query(
            """
            SELECT (SELECT count(*) FROM machines)::int,
                   (SELECT count(*) FROM clients WHERE license_status = 'active')::int,
                   (SELECT COALESCE(sum(extract(epoch FROM now() - created_at)) / 3600, 0) FROM machines)::bigint
            """, logger: logger
        ).decode((Int, Int, Int).self) {
            return LandingStatsController.Stats(totalMachines: row.0, activeClients: row.1, totalMonitoringHours: row.2)
        }
        return LandingStatsController.Stats(totalMachines: 0, activeClients: 0, totalMonitoringHours: 0)
    }
}
