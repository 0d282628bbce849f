import Foundation
import Logging
import OptralisPostgres
import PostgresNIO

/// `license_types`: machine limits, retention and AI quota per licence.
struct LicenseTypeStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Record: Codable, Sendable {
        var id: UUID?
        var code: String
        var name: String
        var tierLevel: Int
        var maxMachines: Int?
        var metricsRetentionDays: Int
        var eventsRetentionDays: Int
        var aiMonthlyQuota: Int
        var isActive: Bool

        enum CodingKeys: String, CodingKey {
            case id, code, name
            case tierLevel = "tier_level", maxMachines = "max_machines", metricsRetentionDays = "metrics_retention_days"
            case eventsRetentionDays = "events_retention_days", aiMonthlyQuota = "ai_monthly_quota", isActive = "is_active"
        }
    }

    private typealias Row = (UUID, String, String, Int, Int?, Int, Int, Int, Bool)
    private static let columns = "id, code, name, tier_level, max_machines, metrics_retention_days, events_retention_days, ai_monthly_quota, is_active"

    private func records(_ query: PostgresQuery) async throws -> [Record] {
        var records: [Record] = []
        for try await row in try await database.query(query, logger: logger).decode(Row.self) {
            records.append(
                Record(
                    id: row.0, code: row.1, name: row.2, tierLevel: row.3, maxMachines: row.4, metricsRetentionDays: row.5,
                    eventsRetentionDays: row.6, aiMonthlyQuota: row.7, isActive: row.8))
        }
        return records
    }

    func list() async throws -> [Record] {
        try await records("SELECT \(unescaped: Self.columns) FROM license_types ORDER BY tier_level, code")
    }

    func find(id: UUID) async throws -> Record? {
        try await records("SELECT \(unescaped: Self.columns) FROM license_types WHERE id = \(id)").first
    }

    func exists(code: String) async throws -> Bool {
        try await database.query("SELECT count(*) FROM license_types WHERE code = \(code) AND is_active", logger: logger)
            .decode(Int.self).reduce(0, +) > 0
    }

    /// Nil when the code is taken.
    func insert(_ record: Record) async throws -> UUID? {
        let rows = try await database.query(
            """
            INSERT INTO license_types (code, name, tier_level, max_machines, metrics_retention_days, events_retention_days, ai_monthly_quota, is_active)
            VALUES (\(record.code), \(record.name), \(record.tierLevel), \(record.maxMachines), \(record.metricsRetentionDays),
                    \(record.eventsRetentionDays), \(record.aiMonthlyQuota), \(record.isActive))
            ON CONFLICT (code) DO NOTHING RETURNING id
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }

    func update(id: UUID, _ record: Record) async throws -> Bool {
        let rows = try await database.query(
            """
            UPDATE license_types SET name = \(record.name), tier_level = \(record.tierLevel), max_machines = \(record.maxMachines),
                metrics_retention_days = \(record.metricsRetentionDays), events_retention_days = \(record.eventsRetentionDays),
                ai_monthly_quota = \(record.aiMonthlyQuota), is_active = \(record.isActive), updated_at = now()
            WHERE id = \(id) RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    enum DeleteOutcome { case deleted, notFound, inUse(Int) }

    func delete(id: UUID) async throws -> DeleteOutcome {
        try await database.transaction(logger: logger) { connection in
            var code: String?
            for try await value in try await connection.query("SELECT code FROM license_types WHERE id = \(id) FOR UPDATE", logger: logger).decode(String.self)
            {
                code = value
            }
            guard let code else { return .notFound }
            let users = try await connection.query("SELECT count(*) FROM clients WHERE license_type = \(code)", logger: logger)
                .decode(Int.self).reduce(0, +)
            guard users == 0 else { return .inUse(users) }
            try await connection.query("DELETE FROM license_types WHERE id = \(id)", logger: logger)
            return .deleted
        }
    }
}
