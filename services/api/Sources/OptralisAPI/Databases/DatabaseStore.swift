import Foundation
import Logging
import OptralisCore
import OptralisPostgres
import PostgresNIO

/// `monitored_databases` and `database_metrics` (spec "Monitoring Bases de Données (Pro+)").
/// Every statement of the routes is scoped by client; the password column is only ever read by
/// ``targets(machineID:)`` (the agent's configuration) and never leaves in a route's answer.
struct DatabaseStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    /// A monitored database as the routes show it: no password, only whether one is set.
    struct Entry: Codable, Sendable {
        let id: UUID
        let machineID: UUID
        let machineHostname: String
        let name: String?
        let engine: String
        let host: String
        let port: Int
        let databaseName: String
        let username: String
        let hasPassword: Bool
        let enabled: Bool
        let lastCollectedAt: Date?
        let lastError: String?
        let missing: [String]
        let latest: DatabaseFigures?
        let createdAt: Date
        let updatedAt: Date
        enum CodingKeys: String, CodingKey {
            case id, machineID = "machine_id", machineHostname = "machine_hostname", name, engine, host, port, databaseName = "database_name"
            case username, hasPassword = "has_password", enabled, lastCollectedAt = "last_collected_at", lastError = "last_error", missing, latest
            case createdAt = "created_at", updatedAt = "updated_at"
        }

        /// Optional fields are written as null, not left out.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(machineID, forKey: .machineID)
            try c.encode(machineHostname, forKey: .machineHostname)
            try c.encode(name, forKey: .name)
            try c.encode(engine, forKey: .engine)
            try c.encode(host, forKey: .host)
            try c.encode(port, forKey: .port)
            try c.encode(databaseName, forKey: .databaseName)
            try c.encode(username, forKey: .username)
            try c.encode(hasPassword, forKey: .hasPassword)
            try c.encode(enabled, forKey: .enabled)
            try c.encode(lastCollectedAt, forKey: .lastCollectedAt)
            try c.encode(lastError, forKey: .lastError)
            try c.encode(missing, forKey: .missing)
            try c.encode(latest, forKey: .latest)
            try c.encode(createdAt, forKey: .createdAt)
            try c.encode(updatedAt, forKey: .updatedAt)
        }
    }

    /// What a create or an update writes (nil on update: kept).
    struct Fields: Sendable {
        var machineID: UUID?
        var name: String??
        var engine: String?
        var host: String?
        var port: Int?
        var databaseName: String?
        var username: String?
        var enabled: Bool?
    }

    private static let select = """
        SELECT d.id, d.machine_id, m.hostname, d.name, d.engine, d.host, d.port, d.database_name, d.username,
               d.password_sealed IS NOT NULL, d.enabled, d.last_collected_at, d.last_error, d.missing::text, d.created_at, d.updated_at,
               x.recorded_at, x.connections_active, x.connections_idle, x.query_time_avg_ms, x.slow_queries_count, x.deadlocks_count,
               x.cache_hit_ratio, x.replication_lag_ms
        FROM monitored_databases d JOIN machines m ON m.id = d.machine_id AND m.client_id = d.client_id
        LEFT JOIN LATERAL (
            SELECT * FROM database_metrics s WHERE s.database_id = d.id ORDER BY s.recorded_at DESC LIMIT 1
        ) x ON true
        """

    private func entries(_ query: PostgresQuery) async throws -> [Entry] {
        var found: [Entry] = []
        let rows = try await database.query(query, logger: logger)
        for try await row in rows {
            let r = try row.decode(
                (
                    UUID, UUID, String, String?, String, String, Int, String, String, Bool, Bool, Date?, String?, String, Date, Date,
                    Date?, Int?, Int?, Double?, Int64?, Int64?, Double?, Double?
                ).self)
            let latest = r.16.map {
                DatabaseFigures(
                    recordedAt: $0, connectionsActive: r.17, connectionsIdle: r.18, queryTimeAvgMs: r.19, slowQueriesCount: r.20, deadlocksCount: r.21,
                    cacheHitRatio: r.22, replicationLagMs: r.23)
            }
            found.append(
                Entry(
                    id: r.0, machineID: r.1, machineHostname: r.2, name: r.3, engine: r.4, host: r.5, port: r.6, databaseName: r.7, username: r.8,
                    hasPassword: r.9, enabled: r.10, lastCollectedAt: r.11, lastError: r.12,
                    missing: (try? JSONDecoder().decode([String].self, from: Data(r.13.utf8))) ?? [], latest: latest, createdAt: r.14, updatedAt: r.15))
        }
        return found
    }

    func all(clientID: UUID) async throws -> [Entry] {
        try await entries("\(unescaped: Self.select) WHERE d.client_id = \(clientID) ORDER BY d.created_at, d.id")
    }

    func find(id: UUID, clientID: UUID) async throws -> Entry? {
        try await entries("\(unescaped: Self.select) WHERE d.id = \(id) AND d.client_id = \(clientID)").first
    }

    func machineExists(_ machineID: UUID, clientID: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM machines WHERE id = \(machineID) AND client_id = \(clientID)", logger: logger)
            .decode(Int.self).collect().isEmpty == false
    }

    /// Inserts unless the client already has `limit` databases (nil: no limit); false when it has.
    /// The count and the insert hold the client's advisory lock, so two requests at once cannot
    /// both take the last place.
    func create(id: UUID, clientID: UUID, fields: Fields, sealed: [UInt8]?, limit: Int?) async throws -> Bool {
        try await database.transaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('monitored_databases'), hashtext(\(clientID.uuidString)))", logger: logger)
            if let limit {
                let count =
                    try await connection.query("SELECT count(*)::int FROM monitored_databases WHERE client_id = \(clientID)", logger: logger)
                    .decode(Int.self).collect().first ?? 0
                guard count < limit else { return false }
            }
            try await connection.query(
                """
                INSERT INTO monitored_databases (id, client_id, machine_id, name, engine, host, port, database_name, username, password_sealed, enabled)
                VALUES (\(id), \(clientID), \(fields.machineID), \(fields.name ?? nil), \(fields.engine), \(fields.host), \(fields.port),
                        \(fields.databaseName), \(fields.username), \(sealed.map { ByteBuffer(bytes: $0) }), \(fields.enabled ?? true))
                """, logger: logger)
            return true
        }
    }

    /// nil fields keep their value; `password`: nil keeps it, `.some(nil)` clears it. False: no such database.
    func update(id: UUID, clientID: UUID, fields: Fields, password: [UInt8]??) async throws -> Bool {
        let setPassword = password != nil
        let sealed = (password ?? nil).map { ByteBuffer(bytes: $0) }
        let name = fields.name
        return try await !database.query(
            """
            UPDATE monitored_databases SET
                machine_id = COALESCE(\(fields.machineID), machine_id),
                name = CASE WHEN \(name != nil) THEN \(name ?? nil) ELSE name END,
                engine = COALESCE(\(fields.engine), engine), host = COALESCE(\(fields.host), host), port = COALESCE(\(fields.port), port),
                database_name = COALESCE(\(fields.databaseName), database_name), username = COALESCE(\(fields.username), username),
                password_sealed = CASE WHEN \(setPassword) THEN \(sealed) ELSE password_sealed END,
                enabled = COALESCE(\(fields.enabled), enabled), updated_at = now()
            WHERE id = \(id) AND client_id = \(clientID) RETURNING 1
            """, logger: logger
        ).decode(Int.self).collect().isEmpty
    }

    func delete(id: UUID, clientID: UUID) async throws -> Bool {
        try await !database.query("DELETE FROM monitored_databases WHERE id = \(id) AND client_id = \(clientID) RETURNING 1", logger: logger)
            .decode(Int.self).collect().isEmpty
    }

    /// The samples of the last `period`, averaged over buckets of `bucket` seconds (deadlocks
    /// summed, slow statements and replication lag at their highest).
    func metrics(id: UUID, since: Date, bucketSeconds: Int) async throws -> [DatabaseFigures] {
        var points: [DatabaseFigures] = []
        let rows = try await database.query(
            """
            SELECT date_bin(\(bucketSeconds) * INTERVAL '1 second', recorded_at, TIMESTAMPTZ '2000-01-01') AS bucket,
                   round(avg(connections_active))::int, round(avg(connections_idle))::int, avg(query_time_avg_ms),
                   max(slow_queries_count), sum(deadlocks_count)::int8, avg(cache_hit_ratio), max(replication_lag_ms)
            FROM database_metrics WHERE database_id = \(id) AND recorded_at >= \(since)
            GROUP BY bucket ORDER BY bucket
            """, logger: logger)
        for try await r in rows.decode((Date, Int?, Int?, Double?, Int64?, Int64?, Double?, Double?).self) {
            points.append(
                DatabaseFigures(
                    recordedAt: r.0, connectionsActive: r.1, connectionsIdle: r.2, queryTimeAvgMs: r.3, slowQueriesCount: r.4, deadlocksCount: r.5,
                    cacheHitRatio: r.6, replicationLagMs: r.7))
        }
        return points
    }

    /// The latest slow queries the agent reported, with when.
    func slowQueries(id: UUID, clientID: UUID) async throws -> (queries: [SlowQuery], collectedAt: Date?, missing: [String])? {
        let rows = try await database.query(
            "SELECT slow_queries::text, last_collected_at, missing::text FROM monitored_databases WHERE id = \(id) AND client_id = \(clientID)",
            logger: logger
        ).decode((String, Date?, String).self).collect()
        guard let row = rows.first else { return nil }
        let decoder = JSONDecoder()
        return (
            (try? decoder.decode([SlowQuery].self, from: Data(row.0.utf8))) ?? [], row.1, (try? decoder.decode([String].self, from: Data(row.2.utf8))) ?? []
        )
    }

    /// The enabled databases the agent of `machineID` collects, while its client's licence is Pro
    /// or above; the password still sealed.
    func targets(machineID: UUID, clientID: UUID) async throws -> [(DatabaseTarget, [UInt8]?)] {
        var found: [(DatabaseTarget, [UInt8]?)] = []
        let rows = try await database.query(
            """
            SELECT d.id, d.engine, d.host, d.port, d.database_name, d.username, d.password_sealed
            FROM monitored_databases d JOIN clients c ON c.id = d.client_id JOIN license_types lt ON lt.code = c.license_type
            WHERE d.machine_id = \(machineID) AND d.client_id = \(clientID) AND d.enabled AND lt.tier_level >= \(LicenceGate.Tier.pro.rawValue)
            ORDER BY d.created_at, d.id
            """, logger: logger)
        for try await r in rows.decode((UUID, String, String, Int, String, String, ByteBuffer?).self) {
            found.append(
                (
                    DatabaseTarget(id: r.0, engine: r.1, host: r.2, port: r.3, database: r.4, user: r.5, password: nil),
                    r.6.map { [UInt8]($0.readableBytesView) }
                ))
        }
        return found
    }
}

/// One sample (or the mean of a bucket of samples) of a monitored database.
struct DatabaseFigures: Codable, Sendable {
    let recordedAt: Date
    let connectionsActive: Int?
    let connectionsIdle: Int?
    let queryTimeAvgMs: Double?
    let slowQueriesCount: Int64?
    let deadlocksCount: Int64?
    let cacheHitRatio: Double?
    let replicationLagMs: Double?
    enum CodingKeys: String, CodingKey {
        case recordedAt = "recorded_at", connectionsActive = "connections_active", connectionsIdle = "connections_idle"
        case queryTimeAvgMs = "query_time_avg_ms", slowQueriesCount = "slow_queries_count", deadlocksCount = "deadlocks_count"
        case cacheHitRatio = "cache_hit_ratio", replicationLagMs = "replication_lag_ms"
    }

    /// Missing figures are written as null, not left out.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(recordedAt, forKey: .recordedAt)
        try c.encode(connectionsActive, forKey: .connectionsActive)
        try c.encode(connectionsIdle, forKey: .connectionsIdle)
        try c.encode(queryTimeAvgMs, forKey: .queryTimeAvgMs)
        try c.encode(slowQueriesCount, forKey: .slowQueriesCount)
        try c.encode(deadlocksCount, forKey: .deadlocksCount)
        try c.encode(cacheHitRatio, forKey: .cacheHitRatio)
        try c.encode(replicationLagMs, forKey: .replicationLagMs)
    }
}
