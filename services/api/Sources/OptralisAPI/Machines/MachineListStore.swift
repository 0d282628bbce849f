import Foundation
import Logging
import OptralisServer
import OptralisCore
import PostgresNIO

/// The fleet's reading side: machine lists with filters and pagination, one machine with its
/// latest collector data, labels and certificate. Scoped by the client in every statement.
struct MachineListStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    /// A machine as lists show it; `status` and `cert_status` are computed (spec "Validation
    /// Conformité OS", certificate statuses of "Gestion Certificats mTLS").
    struct Summary: Codable, Sendable {
        let id: UUID
        let hostname: String
        let os: String?
        let osVersion: String?
        let ipAddress: String?
        let agentVersion: String?
        let lastSeen: Date?
        let status: String
        let healthScore: Int?
        let isOSCompliant: Bool
        let groupID: UUID?
        let groupName: String?
        let maintenanceMode: Bool
        let updateChannel: String
        let certStatus: String
        let certExpiresAt: Date?
        let lastConfigSync: Date?
        /// The latest CPU and RAM sample and the fullest disk, within the last hour (nil when
        /// the agent sent none: an offline machine shows no stale figure).
        let cpuPercent: Double?
        let ramPercent: Double?
        let diskPercent: Double?

        enum CodingKeys: String, CodingKey {
            case id, hostname, os, status
            case osVersion = "os_version", ipAddress = "ip_address", agentVersion = "agent_version", lastSeen = "last_seen",
                healthScore = "health_score", isOSCompliant = "is_os_compliant", groupID = "group_id", groupName = "group_name",
                maintenanceMode = "maintenance_mode",
                updateChannel = "update_channel", certStatus = "cert_status", certExpiresAt = "cert_expires_at",
                lastConfigSync = "last_config_sync", cpuPercent = "cpu_percent", ramPercent = "ram_percent", diskPercent = "disk_percent"
        }
    }

    struct Filter: Sendable {
        var groupID: UUID?
        var siteID: UUID?
        var labelKey: String?
        var labelValue: String?
        /// online or offline.
        var status: String?
        var os: String?
        var search: String?
        var sort = "hostname"
        var descending = false
        var page = 1
        var limit = 50

        /// Every field, in a fixed order: the filter's part of its cache key.
        var cacheKey: String {
            let parts: [String?] = [
                groupID?.lowercased, siteID?.lowercased, labelKey, labelValue, status, os, search, sort, descending ? "desc" : "asc", String(page),
                String(limit),
            ]
            // A digest: the key's length does not depend on what the user typed.
            return SecureToken.sha256Hex(parts.map { $0 ?? "" }.joined(separator: "\u{1f}"))
        }
    }

    static let sortColumns = [
        "hostname": "m.hostname", "last_seen": "m.last_seen", "health_score": "m.health_score", "os": "m.os", "created_at": "m.created_at",
    ]

    /// Online: seen within 5 minutes (the offline detection's default threshold). The fleet
    /// routes (list, export, overview) all use this condition on `machines m`.
    static let onlineMinutes = MachineStatus.onlineMinutes
    static let online = "m.last_seen > now() - interval '\(onlineMinutes) minutes'"
    static let offline = "(m.last_seen IS NULL OR m.last_seen <= now() - interval '\(onlineMinutes) minutes')"

    private static let columns = """
        m.id, m.hostname, m.os, m.os_version, m.ip_address, m.agent_version, m.last_seen,
        CASE WHEN \(online) THEN 'online' ELSE 'offline' END,
        m.health_score, m.is_os_compliant, m.group_id, (SELECT g.name FROM groups g WHERE g.id = m.group_id AND g.client_id = m.client_id),
        m.maintenance_mode, m.update_channel,
        CASE WHEN m.cert_serial IS NULL THEN 'none' WHEN m.cert_revoked_at IS NOT NULL THEN 'revoked'
             WHEN m.cert_expires_at <= now() THEN 'expired' WHEN m.cert_expires_at <= now() + interval '7 days' THEN 'expiring'
             WHEN m.cert_expires_at <= now() + interval '30 days' THEN 'expiring_soon' ELSE 'valid' END,
        m.cert_expires_at, m.last_config_sync,
        (SELECT x.cpu_percent FROM metrics x WHERE x.machine_id = m.id AND x.cpu_percent IS NOT NULL AND x.recorded_at > now() - interval '1 hour'
         ORDER BY x.recorded_at DESC LIMIT 1),
        (SELECT x.ram_percent FROM metrics x WHERE x.machine_id = m.id AND x.ram_percent IS NOT NULL AND x.recorded_at > now() - interval '1 hour'
         ORDER BY x.recorded_at DESC LIMIT 1),
        (SELECT max(d.used_percent)::float8 FROM disk_info d WHERE d.machine_id = m.id AND d.recorded_at > now() - interval '1 hour')
        """

    private typealias Row = (
        UUID, String, String?, String?, String?, String?, Date?, String, Int?, Bool, UUID?, String?, Bool, String, String, Date?, Date?, Double?, Double?,
        Double?
    )

    private static func summary(_ row: Row) -> Summary {
        Summary(
            id: row.0, hostname: row.1, os: row.2, osVersion: row.3, ipAddress: row.4, agentVersion: row.5, lastSeen: row.6, status: row.7,
            healthScore: row.8, isOSCompliant: row.9, groupID: row.10, groupName: row.11, maintenanceMode: row.12, updateChannel: row.13,
            certStatus: row.14, certExpiresAt: row.15, lastConfigSync: row.16, cpuPercent: row.17, ramPercent: row.18, diskPercent: row.19)
    }

    /// An ILIKE pattern matching `text` anywhere, its `\`, `%` and `_` taken literally.
    static func containing(_ text: String) -> String {
        "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
    }

    /// One page and the total matching the filter.
    func list(clientID: UUID, _ filter: Filter) async throws -> (machines: [Summary], total: Int) {
        var binds = PostgresBindings()
        var conditions = ["m.client_id = $1"]
        binds.append(clientID)
        func bind(_ value: some PostgresNonThrowingEncodable & Sendable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let group = filter.groupID { conditions.append("m.group_id = \(bind(group))") }
        if let site = filter.siteID { conditions.append("m.site_id = \(bind(site))") }
        if let key = filter.labelKey {
            var label = "EXISTS (SELECT 1 FROM machine_labels ml JOIN labels l ON l.id = ml.label_id WHERE ml.machine_id = m.id AND l.key = \(bind(key))"
            if let value = filter.labelValue { label += " AND ml.value = \(bind(value))" }
            conditions.append(label + ")")
        }
        if filter.status == "online" { conditions.append(Self.online) }
        if filter.status == "offline" { conditions.append(Self.offline) }
        if let os = filter.os { conditions.append("lower(m.os) = lower(\(bind(os)))") }
        if let search = filter.search {
            let pattern = Self.containing(search)
            conditions.append("m.hostname ILIKE \(bind(pattern))")
        }
        let order = "\(Self.sortColumns[filter.sort] ?? "m.hostname") \(filter.descending ? "DESC" : "ASC") NULLS LAST, m.id"
        let limit = bind(filter.limit), offset = bind(Paging(page: filter.page, limit: filter.limit).offset)
        // The page's ids first, then their columns: the group name and status are computed for
        // 50 rows, not for every machine a window count would have to carry.
        let matching = conditions.joined(separator: " AND ")
        let sql = """
            SELECT \(Self.columns), total.count FROM (
                SELECT m.id FROM machines m WHERE \(matching) ORDER BY \(order) LIMIT \(limit) OFFSET \(offset)
            ) page JOIN machines m ON m.id = page.id
            CROSS JOIN (SELECT count(*)::int AS count FROM machines m WHERE \(matching)) total
            ORDER BY \(order)
            """
        var machines: [Summary] = []
        var total = 0
        for try await row in try await database.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).decode(
            (
                UUID, String, String?, String?, String?, String?, Date?, String, Int?, Bool, UUID?, String?, Bool, String, String, Date?, Date?, Double?,
                Double?, Double?, Int
            ).self)
        {
            machines.append(
                Self.summary(
                    (
                        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, row.12, row.13, row.14, row.15, row.16, row.17,
                        row.18, row.19
                    )))
            total = row.20
        }
        if machines.isEmpty, filter.page > 1 {
            // Past the last page: still report how many there are.
            total = try await database.query(
                PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM machines m WHERE \(matching)", binds: binds), logger: logger
            ).decode(Int.self).reduce(into: 0) { $0 = $1 }
        }
        return (machines, total)
    }

    func summary(id: UUID, clientID: UUID) async throws -> Summary? {
        for try await row in try await database.query(
            PostgresQuery(
                unsafeSQL: "SELECT \(Self.columns) FROM machines m WHERE m.id = $1 AND m.client_id = $2",
                binds: {
                    var binds = PostgresBindings()
                    binds.append(id)
                    binds.append(clientID)
                    return binds
                }()), logger: logger
        ).decode(Row.self) {
            return Self.summary(row)
        }
        return nil
    }

    /// The latest data of each collector, as the agent sent it (`machine_collector_data`).
    /// The latest snapshot of each collector, of a machine of `clientID` only (a machine of
    /// another client reads as none, whatever the caller checked before).
    func snapshots(machineID: UUID, clientID: UUID) async throws -> [String: String] {
        var snapshots: [String: String] = [:]
        let rows = try await database.query(
            """
            SELECT d.collector, d.data::text FROM machine_collector_data d JOIN machines m ON m.id = d.machine_id
            WHERE d.machine_id = \(machineID) AND m.client_id = \(clientID)
            """, logger: logger)
        for try await (collector, data) in rows.decode((String, String).self) { snapshots[collector] = data }
        return snapshots
    }

    struct Label: Encodable, Sendable {
        let key: String
        let value: String
        let color: String
    }

    func labels(machineID: UUID, clientID: UUID) async throws -> [Label] {
        try await database.query(
            """
            SELECT l.key, ml.value, l.color FROM machine_labels ml JOIN labels l ON l.id = ml.label_id
            WHERE ml.machine_id = \(machineID) AND ml.client_id = \(clientID) ORDER BY l.key
            """, logger: logger
        ).decode((String, String, String).self).reduce(into: []) { $0.append(Label(key: $1.0, value: $1.1, color: $1.2)) }
    }
}
