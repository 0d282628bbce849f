import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// A client's row and licence limits, cached 5 minutes under `client:id:<uuid>` (`/api/settings`,
/// the AI licence gates).
struct ClientSettingsStore: Sendable {
    let database: PostgresClient
    let cache: FleetCache
    let logger: Logger

    struct ClientSettings: Codable, Sendable {
        let id: UUID
        let name: String
        let language: String
        let licenseType: String
        let licenseName: String
        let licenseStatus: String
        let licenseExpiresAt: Date?
        let tierLevel: Int
        let maxMachines: Int?
        let metricsRetentionDays: Int
        let eventsRetentionDays: Int
        let aiMonthlyQuota: Int
        enum CodingKeys: String, CodingKey {
            case id, name, language
            case licenseType = "license_type", licenseName = "license_name", licenseStatus = "license_status", licenseExpiresAt = "license_expires_at",
                tierLevel = "tier_level", maxMachines = "max_machines", metricsRetentionDays = "metrics_retention_days",
                eventsRetentionDays = "events_retention_days", aiMonthlyQuota = "ai_monthly_quota"
        }
    }

    func settings(_ id: UUID) async throws -> ClientSettings {
        try await cache.value(.client(id)) { try await read(id) }
    }

    private func read(_ id: UUID) async throws -> ClientSettings {
        for try await row in try await database.query(
            """
            SELECT c.id, c.name, c.language, c.license_type, lt.name, c.license_status, c.license_expires_at, lt.tier_level, lt.max_machines,
                   lt.metrics_retention_days, lt.events_retention_days, lt.ai_monthly_quota
            FROM clients c JOIN license_types lt ON lt.code = c.license_type WHERE c.id = \(id)
            """, logger: logger
        ).decode((UUID, String, String, String, String, String, Date?, Int, Int?, Int, Int, Int).self) {
            return ClientSettings(
                id: row.0, name: row.1, language: row.2, licenseType: row.3, licenseName: row.4, licenseStatus: row.5, licenseExpiresAt: row.6,
                tierLevel: row.7, maxMachines: row.8, metricsRetentionDays: row.9, eventsRetentionDays: row.10, aiMonthlyQuota: row.11)
        }
        throw APIError.notFound("client")
    }

    func machineCount(_ clientID: UUID) async throws -> Int {
        try await database.query("SELECT count(*)::int FROM machines WHERE client_id = \(clientID)", logger: logger)
            .decode(Int.self).reduce(into: 0) { $0 = $1 }
    }
}
