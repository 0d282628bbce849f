import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// Tenants and their licences (super_admin routes).
struct ClientStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Record: Codable, Sendable {
        let id: UUID
        let name: String
        let licenseID: UUID
        let licenseType: String
        let licenseStatus: String
        let licenseStartedAt: Date
        let licenseExpiresAt: Date?
        let language: String
        let maxMachines: Int?
        let users: Int
        let machines: Int
        let createdAt: Date

        enum CodingKeys: String, CodingKey {
            case id, name, language, users, machines
            case licenseID = "license_id", licenseType = "license_type", licenseStatus = "license_status"
            case licenseStartedAt = "license_started_at", licenseExpiresAt = "license_expires_at", maxMachines = "max_machines"
            case createdAt = "created_at"
        }
    }

    private static let select = """
        SELECT c.id, c.name, c.license_id, c.license_type, c.license_status, c.license_started_at, c.license_expires_at,
               c.language, lt.max_machines,
               (SELECT count(*) FROM users u WHERE u.client_id = c.id)::int,
               (SELECT count(*) FROM machines m WHERE m.client_id = c.id)::int,
               c.created_at
        FROM clients c JOIN license_types lt ON lt.code = c.license_type
        """

    private typealias Row = (UUID, String, UUID, String, String, Date, Date?, String, Int?, Int, Int, Date)

    private func records(_ query: PostgresQuery) async throws -> [Record] {
        var records: [Record] = []
        for try await row in try await database.query(query, logger: logger).decode(Row.self) {
            records.append(
                Record(
                    id: row.0, name: row.1, licenseID: row.2, licenseType: row.3, licenseStatus: row.4, licenseStartedAt: row.5,
                    licenseExpiresAt: row.6, language: row.7, maxMachines: row.8, users: row.9, machines: row.10, createdAt: row.11))
        }
        return records
    }

    func list() async throws -> [Record] {
        try await records("\(unescaped: Self.select) ORDER BY c.name")
    }

    /// `active`, `suspended` or `expired` (the status, or an expiry date already past); nil for
    /// an unknown client.
    func licenceState(id: UUID) async throws -> String? {
        for try await state in try await database.query(
            """
            SELECT CASE WHEN license_status <> 'active' THEN license_status
                        WHEN license_expires_at IS NOT NULL AND license_expires_at <= now() THEN 'expired' ELSE 'active' END
            FROM clients WHERE id = \(id)
            """, logger: logger
        ).decode(String.self) { return state }
        return nil
    }

    func find(id: UUID) async throws -> Record? {
        try await records("\(unescaped: Self.select) WHERE c.id = \(id)").first
    }

    struct NewClient: Sendable {
        var name: String
        var licenseType: String
        var licenseExpiresAt: Date?
        var language: String
    }

    func insert(_ new: NewClient, on connection: PostgresConnection) async throws -> UUID {
        let rows = try await connection.query(
            """
            INSERT INTO clients (name, license_type, license_expires_at, language)
            VALUES (\(new.name), \(new.licenseType), \(new.licenseExpiresAt), \(new.language)) RETURNING id
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { return id }
        throw AppError.internalError
    }

    struct Changes: Sendable {
        var name: String?
        var licenseType: String?
        var licenseStatus: String?
        var licenseExpiresAt: Date??
        var language: String?
    }

    /// False when no such client.
    func update(id: UUID, _ changes: Changes) async throws -> Bool {
        let clearExpiry = changes.licenseExpiresAt.map { $0 == nil } ?? false
        let newExpiry = changes.licenseExpiresAt ?? nil
        let rows = try await database.query(
            """
            UPDATE clients SET name = COALESCE(\(changes.name), name), license_type = COALESCE(\(changes.licenseType), license_type),
                license_status = COALESCE(\(changes.licenseStatus), license_status),
                license_expires_at = CASE WHEN \(clearExpiry) THEN NULL ELSE COALESCE(\(newExpiry), license_expires_at) END,
                language = COALESCE(\(changes.language), language), updated_at = now()
            WHERE id = \(id) RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    func delete(id: UUID) async throws -> Bool {
        let rows = try await database.query("DELETE FROM clients WHERE id = \(id) RETURNING id", logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    func regenerateLicenseID(id: UUID) async throws -> UUID? {
        let rows = try await database.query(
            "UPDATE clients SET license_id = gen_random_uuid(), updated_at = now() WHERE id = \(id) RETURNING license_id", logger: logger)
        for try await licenseID in rows.decode(UUID.self) { return licenseID }
        return nil
    }

    /// Pushes the expiry `days` further (from now when already past or unset) and reactivates.
    func extend(id: UUID, days: Int) async throws -> Date? {
        let rows = try await database.query(
            """
            UPDATE clients SET license_expires_at = GREATEST(COALESCE(license_expires_at, now()), now()) + \(days) * INTERVAL '1 day',
                license_status = 'active', updated_at = now()
            WHERE id = \(id) RETURNING license_expires_at
            """, logger: logger)
        for try await date in rows.decode(Date.self) { return date }
        return nil
    }
}
