import Foundation
import Logging
import OptralisServer
import OptralisCore
import PostgresNIO

/// The super_admin's cross-client reads: platform totals, the growth timeline, every machine of
/// every client, and the update channel of machines in bulk.
struct PlatformStatsStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Dashboard: Codable, Sendable {
        let totalClients: Int
        let activeClients: Int
        let expiringLicenses: Int
        let totalUsers: Int
        let totalMachines: Int
        let onlineMachines: Int
        let offlineMachines: Int
        let machinesInMaintenance: Int
        let averageHealthScore: Double?
        let certificatesExpiringSoon: Int
        let machinesByLicense: [String: Int]
        let agentVersions: [String: Int]
        enum CodingKeys: String, CodingKey {
            case totalClients = "total_clients", activeClients = "active_clients", expiringLicenses = "expiring_licenses", totalUsers = "total_users",
                totalMachines = "total_machines", onlineMachines = "online_machines", offlineMachines = "offline_machines",
                machinesInMaintenance = "machines_in_maintenance", averageHealthScore = "average_health_score",
                certificatesExpiringSoon = "certificates_expiring_soon", machinesByLicense = "machines_by_license", agentVersions = "agent_versions"
        }
    }

    func dashboard() async throws -> Dashboard {
        let online = MachineListStore.online
        let totals = try await database.query(
            """
            SELECT (SELECT count(*) FROM clients)::int,
                   (SELECT count(*) FROM clients WHERE license_status = 'active')::int,
                   (SELECT count(*) FROM clients WHERE license_status = 'active' AND license_expires_at <= now() + interval '30 days')::int,
                   (SELECT count(*) FROM users)::int,
                   count(*)::int, (count(*) FILTER (WHERE \(unescaped: online)))::int, (count(*) FILTER (WHERE m.maintenance_mode))::int,
                   avg(m.health_score)::float8,
                   (count(*) FILTER (WHERE m.cert_revoked_at IS NULL AND m.cert_expires_at <= now() + interval '30 days'))::int
            FROM machines m
            """, logger: logger
        ).decode((Int, Int, Int, Int, Int, Int, Int, Double?, Int).self).collect()
        // An aggregate without GROUP BY always answers one row.
        guard let row = totals.first else { throw AppError.internalError }
        let byLicense = try await breakdown(
            "SELECT c.license_type, count(m.id)::int FROM clients c LEFT JOIN machines m ON m.client_id = c.id GROUP BY c.license_type")
        let versions = try await breakdown("SELECT COALESCE(agent_version, 'unknown'), count(*)::int FROM machines GROUP BY 1")
        return Dashboard(
            totalClients: row.0, activeClients: row.1, expiringLicenses: row.2, totalUsers: row.3, totalMachines: row.4, onlineMachines: row.5,
            offlineMachines: row.4 - row.5, machinesInMaintenance: row.6, averageHealthScore: row.7.map { ($0 * 10).rounded() / 10 },
            certificatesExpiringSoon: row.8, machinesByLicense: byLicense, agentVersions: versions)
    }

    private func breakdown(_ query: PostgresQuery) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for try await (key, count) in try await database.query(query, logger: logger).decode((String, Int).self) { counts[key] = count }
        return counts
    }

    struct Day: Codable, Sendable {
        let date: String
        let newClients: Int
        let newMachines: Int
        let totalClients: Int
        let totalMachines: Int
        enum CodingKeys: String, CodingKey {
            case date, newClients = "new_clients", newMachines = "new_machines", totalClients = "total_clients", totalMachines = "total_machines"
        }
    }

    /// One row per UTC day of the last `days` days, today included.
    func timeline(days: Int) async throws -> [Day] {
        try await database.query(
            """
            WITH days AS (
                SELECT generate_series((now() AT TIME ZONE 'UTC')::date - (\(days)::int - 1), (now() AT TIME ZONE 'UTC')::date, interval '1 day')::date AS day
            )
            SELECT to_char(d.day, 'YYYY-MM-DD'),
                   (SELECT count(*) FROM clients c WHERE (c.created_at AT TIME ZONE 'UTC')::date = d.day)::int,
                   (SELECT count(*) FROM machines m WHERE (m.created_at AT TIME ZONE 'UTC')::date = d.day)::int,
                   (SELECT count(*) FROM clients c WHERE (c.created_at AT TIME ZONE 'UTC')::date <= d.day)::int,
                   (SELECT count(*) FROM machines m WHERE (m.created_at AT TIME ZONE 'UTC')::date <= d.day)::int
            FROM days d ORDER BY d.day
            """, logger: logger
        ).decode((String, Int, Int, Int, Int).self).reduce(into: []) {
            $0.append(Day(date: $1.0, newClients: $1.1, newMachines: $1.2, totalClients: $1.3, totalMachines: $1.4))
        }
    }

    struct FleetMachine: Codable, Sendable {
        let id: UUID
        let clientID: UUID
        let clientName: String
        let hostname: String
        let os: String?
        let agentVersion: String?
        let updateChannel: String
        let status: String
        let lastSeen: Date?
        let healthScore: Int?
        enum CodingKeys: String, CodingKey {
            case id, hostname, os, status
            case clientID = "client_id", clientName = "client_name", agentVersion = "agent_version", updateChannel = "update_channel",
                lastSeen = "last_seen", healthScore = "health_score"
        }
    }

    /// A page of every client's machines, optionally of one client or matching a host name.
    func machines(clientID: UUID?, search: String?, paging: Paging) async throws -> (machines: [FleetMachine], total: Int) {
        let pattern = search.map(MachineListStore.containing)
        var total = 0
        var machines: [FleetMachine] = []
        for try await row in try await database.query(
            """
            SELECT m.id, m.client_id, c.name, m.hostname, m.os, m.agent_version, m.update_channel,
                   CASE WHEN \(unescaped: MachineListStore.online) THEN 'online' ELSE 'offline' END, m.last_seen, m.health_score, count(*) OVER ()::int
            FROM machines m JOIN clients c ON c.id = m.client_id
            WHERE (\(clientID)::uuid IS NULL OR m.client_id = \(clientID)) AND (\(pattern)::text IS NULL OR m.hostname ILIKE \(pattern))
            ORDER BY c.name, m.hostname, m.id LIMIT \(paging.limit) OFFSET \(paging.offset)
            """, logger: logger
        ).decode((UUID, UUID, String, String, String?, String?, String, String, Date?, Int?, Int).self) {
            machines.append(
                FleetMachine(
                    id: row.0, clientID: row.1, clientName: row.2, hostname: row.3, os: row.4, agentVersion: row.5, updateChannel: row.6, status: row.7,
                    lastSeen: row.8, healthScore: row.9))
            total = row.10
        }
        return (machines, total)
    }

    /// Sets the channel of the listed machines; returns the clients whose machines changed.
    func setChannel(_ channel: String, machineIDs: [UUID]) async throws -> [UUID: Int] {
        var changed: [UUID: Int] = [:]
        for try await (clientID, count) in try await database.query(
            """
            WITH changed AS (
                UPDATE machines SET update_channel = \(channel), updated_at = now() WHERE id = ANY(\(machineIDs)) RETURNING client_id
            )
            SELECT client_id, count(*)::int FROM changed GROUP BY client_id
            """, logger: logger
        ).decode((UUID, Int).self) { changed[clientID] = count }
        return changed
    }
}
