#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `databases` (60 s, Pro+): one sample per monitored database the agent's machine collects
/// (spec "Monitoring Bases de Données"). A figure the agent could not read is nil and named in
/// `missing` (e.g. `query_time_avg_ms: pg_stat_statements not installed`), never guessed.
public struct DatabasesReport: Codable, Sendable {
    public var databases: [DatabaseSample]

    public init(databases: [DatabaseSample]) { self.databases = databases }
}

/// One database's figures at one time. `deadlocksCount` is the deadlocks since the agent's
/// previous sample of that database (nil on the first sample after the agent starts).
public struct DatabaseSample: Codable, Sendable {
    public var databaseID: UUID
    public var connectionsActive: Int?
    public var connectionsIdle: Int?
    public var queryTimeAvgMs: Double?
    public var slowQueriesCount: Int64?
    public var deadlocksCount: Int64?
    public var cacheHitRatio: Double?
    public var replicationLagMs: Double?
    public var slowQueries: [SlowQuery]
    /// Why a figure is nil: `"<figure>: <reason>"`.
    public var missing: [String]
    /// Set when the database could not be reached at all (every figure nil).
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case databaseID = "database_id", connectionsActive = "connections_active", connectionsIdle = "connections_idle"
        case queryTimeAvgMs = "query_time_avg_ms", slowQueriesCount = "slow_queries_count", deadlocksCount = "deadlocks_count"
        case cacheHitRatio = "cache_hit_ratio", replicationLagMs = "replication_lag_ms", slowQueries = "slow_queries", missing, error
    }

    public init(databaseID: UUID) {
        self.databaseID = databaseID
        slowQueries = []
        missing = []
    }
}

/// One of the slowest statements (by mean time): its text clipped to 1,000 characters.
public struct SlowQuery: Codable, Sendable {
    public var query: String
    public var calls: Int64
    public var meanMs: Double

    enum CodingKeys: String, CodingKey { case query, calls, meanMs = "mean_ms" }

    public init(query: String, calls: Int64, meanMs: Double) {
        self.query = query
        self.calls = calls
        self.meanMs = meanMs
    }
}

/// A database the agent collects from, as `/agent/config/collectors` hands it over (only to the
/// agent of the machine it is set on; the password decrypted by the api for that reply).
public struct DatabaseTarget: Codable, Sendable, Equatable {
    public var id: UUID
    /// `postgresql` or `mysql` (MySQL and MariaDB).
    public var engine: String
    public var host: String
    public var port: Int
    public var database: String
    public var user: String
    public var password: String?

    public init(id: UUID, engine: String, host: String, port: Int, database: String, user: String, password: String?) {
        (self.id, self.engine, self.host, self.port, self.database, self.user, self.password) = (id, engine, host, port, database, user, password)
    }
}
