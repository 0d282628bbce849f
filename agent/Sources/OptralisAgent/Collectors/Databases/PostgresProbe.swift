#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// A PostgreSQL database's figures through `psql -X -A -t` (the connection in PG* variables of
/// the child's environment, never on its command line). Connections from `pg_stat_activity`
/// (this database, the probe's own session left out); deadlocks and the cache hit ratio from
/// `pg_stat_database` (the ratio since the statistics were last reset); the replication lag as
/// `now() - pg_last_xact_replay_timestamp()` on a standby, the largest `replay_lag` of
/// `pg_stat_replication` on a primary; query times, slow statements (mean over 1 s) and the top
/// 10 by mean time from `pg_stat_statements` when installed. Seeing other roles' sessions and
/// statements needs the `pg_monitor` role.
struct PostgresProbe {
    let runner: CommandRunner

    static let marker = "/* optralis-agent */"
    static let core = """
        \(marker) SELECT
          (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()),
          (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle%'),
          d.deadlocks, d.blks_hit, d.blks_read, pg_is_in_recovery(),
          CASE WHEN pg_is_in_recovery() THEN round((extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000)::numeric, 3) END,
          (SELECT count(*) FROM pg_stat_replication),
          (SELECT round((max(extract(epoch FROM replay_lag)) * 1000)::numeric, 3) FROM pg_stat_replication),
          EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements')
        FROM pg_stat_database d WHERE d.datname = current_database()
        """
    static let statements = """
        \(marker) WITH s AS (
          SELECT * FROM pg_stat_statements
          WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND calls > 0 AND query NOT LIKE '/* optralis-agent */%'
        )
        SELECT 'summary', (sum(total_exec_time) / NULLIF(sum(calls), 0))::text, (count(*) FILTER (WHERE mean_exec_time > 1000))::text, '' FROM s
        UNION ALL
        SELECT * FROM (SELECT 'query', calls::text, mean_exec_time::text, regexp_replace(left(query, 1000), '\\s+', ' ', 'g')
                       FROM s ORDER BY mean_exec_time DESC LIMIT 10) top
        """

    func sample(_ target: DatabaseTarget) async -> (DatabaseSample, deadlockCounter: Int64?) {
        var sample = DatabaseSample(databaseID: target.id)
        guard let core = await run(Self.core, target) else {
            sample.error = "psql is not installed on this machine (the PostgreSQL client, e.g. the postgresql-client package)"
            return (sample, nil)
        }
        guard core.status == 0, let row = ProbeOutput.rows(core.output).first, row.count == 10 else {
            sample.error = Self.failure(core.status)
            return (sample, nil)
        }
        sample.connectionsActive = ProbeOutput.integer(row[0]).map { Int($0) }
        sample.connectionsIdle = ProbeOutput.integer(row[1]).map { Int($0) }
        let deadlocks = ProbeOutput.integer(row[2])
        if let hit = ProbeOutput.number(row[3]), let read = ProbeOutput.number(row[4]), hit + read > 0 {
            sample.cacheHitRatio = (hit / (hit + read) * 10_000).rounded() / 100
        } else {
            sample.missing.append("cache_hit_ratio: no block read yet")
        }
        let standby = row[5] == "t", replicas = ProbeOutput.integer(row[7]) ?? 0
        if standby {
            sample.replicationLagMs = ProbeOutput.number(row[6])
            if sample.replicationLagMs == nil { sample.missing.append("replication_lag_ms: standby with no transaction replayed yet") }
        } else if replicas > 0 {
            // No replay_lag: the standbys have caught up and nothing was written since.
            sample.replicationLagMs = ProbeOutput.number(row[8]) ?? 0
        } else {
            sample.missing.append("replication_lag_ms: not replicating")
        }
        if row[9] == "t" {
            await readStatements(target, into: &sample)
        } else {
            sample.missing.append(
                "query_time_avg_ms, slow_queries_count, slow_queries: pg_stat_statements is not installed in this database "
                    + "(shared_preload_libraries, then CREATE EXTENSION pg_stat_statements)")
        }
        return (sample, deadlocks)
    }

    private func readStatements(_ target: DatabaseTarget, into sample: inout DatabaseSample) async {
        guard let result = await run(Self.statements, target), result.status == 0 else {
            sample.missing.append(
                "query_time_avg_ms, slow_queries_count, slow_queries: pg_stat_statements cannot be read (not in shared_preload_libraries?)")
            return
        }
        ProbeOutput.statements(ProbeOutput.rows(result.output), into: &sample)
    }

    private func run(_ sql: String, _ target: DatabaseTarget) async -> CommandRunner.Result? {
        var environment = [
            "PGHOST=\(target.host)", "PGPORT=\(target.port)", "PGUSER=\(target.user)", "PGDATABASE=\(target.database)",
            "PGCONNECT_TIMEOUT=5", "PGAPPNAME=optralis-agent",
        ]
        if let password = target.password { environment.append("PGPASSWORD=\(password)") }
        let arguments = ["-X", "-A", "-t", "-q", "-w", "-v", "ON_ERROR_STOP=1", "-F", String(ProbeOutput.separator), "-c", sql]
        return try? await runner.run("psql", arguments, environment: environment, timeout: .seconds(20))
    }

    /// psql's exit statuses: 2 the connection failed, 1 or 3 the query did.
    static func failure(_ status: Int32) -> String {
        switch status {
        case 2: "could not connect (host, port, user, password or pg_hba.conf; psql exit status 2)"
        case 0: "unexpected answer from psql"
        case 128...: "psql did not answer within 20 s"
        default: "the statistics query failed (psql exit status \(status); the role may lack pg_monitor)"
        }
    }
}
