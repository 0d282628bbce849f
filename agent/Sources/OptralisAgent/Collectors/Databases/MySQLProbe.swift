#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// A MySQL or MariaDB database's figures through the `mariadb` (else `mysql`) client, the
/// password in `MYSQL_PWD` of the child's environment. From `SHOW GLOBAL STATUS` (server-wide,
/// as MySQL counts them): active connections (`Threads_running`, the probe's own left out), idle
/// ones (`Threads_connected - Threads_running`), the InnoDB buffer pool hit ratio since start,
/// deadlocks (`Innodb_deadlocks`, MariaDB; else `lock_deadlocks` of INNODB_METRICS, MySQL). Query
/// times, slow statements (mean over 1 s) and the top 10 from `performance_schema`'s digest
/// summary of this schema when `performance_schema` is on; the lag from `SHOW SLAVE STATUS`
/// (`Seconds_Behind_Master`, whole seconds) on a replica.
struct MySQLProbe {
    let runner: CommandRunner

    static let status = """
        SHOW GLOBAL STATUS WHERE Variable_name IN ('Threads_running', 'Threads_connected', 'Innodb_buffer_pool_reads',
          'Innodb_buffer_pool_read_requests', 'Innodb_deadlocks');
        SELECT 'performance_schema', @@performance_schema
        """
    static let metricsDeadlocks = "SELECT 'lock_deadlocks', COUNT FROM information_schema.INNODB_METRICS WHERE NAME = 'lock_deadlocks'"
    static let digests = """
        SELECT 'summary', SUM(SUM_TIMER_WAIT) / NULLIF(SUM(COUNT_STAR), 0) / 1000000000, SUM(AVG_TIMER_WAIT > 1000000000000), ''
          FROM performance_schema.events_statements_summary_by_digest WHERE SCHEMA_NAME = DATABASE() AND COUNT_STAR > 0;
        SELECT 'query', COUNT_STAR, AVG_TIMER_WAIT / 1000000000, REPLACE(REPLACE(REPLACE(LEFT(DIGEST_TEXT, 1000), '\\n', ' '), '\\t', ' '), '\\r', ' ')
          FROM performance_schema.events_statements_summary_by_digest WHERE SCHEMA_NAME = DATABASE() AND COUNT_STAR > 0 AND DIGEST_TEXT IS NOT NULL
          ORDER BY AVG_TIMER_WAIT DESC LIMIT 10
        """

    func sample(_ target: DatabaseTarget) async -> (DatabaseSample, deadlockCounter: Int64?) {
        var sample = DatabaseSample(databaseID: target.id)
        let tool = runner.which("mariadb") != nil ? "mariadb" : "mysql"
        guard let status = await run(tool, Self.status, target) else {
            sample.error = "neither mariadb nor mysql is installed on this machine (the MariaDB or MySQL client)"
            return (sample, nil)
        }
        guard status.status == 0 else {
            sample.error = "could not connect or query (\(tool) exit status \(status.status); host, port, user, password, or the user's grants)"
            return (sample, nil)
        }
        var values: [String: String] = [:]
        for row in ProbeOutput.rows(status.output, separator: "\t") where row.count == 2 { values[row[0]] = row[1] }
        if let running = ProbeOutput.integer(values["Threads_running"]), let connected = ProbeOutput.integer(values["Threads_connected"]) {
            sample.connectionsActive = Int(max(running - 1, 0))
            sample.connectionsIdle = Int(max(connected - running, 0))
        } else {
            sample.missing.append("connections_active, connections_idle: Threads_running not in SHOW GLOBAL STATUS")
        }
        if let reads = ProbeOutput.number(values["Innodb_buffer_pool_reads"]), let requests = ProbeOutput.number(values["Innodb_buffer_pool_read_requests"]),
            requests > 0
        {
            sample.cacheHitRatio = (max(0, 1 - reads / requests) * 10_000).rounded() / 100
        } else {
            sample.missing.append("cache_hit_ratio: no InnoDB buffer pool read yet")
        }
        var deadlocks = ProbeOutput.integer(values["Innodb_deadlocks"])
        if deadlocks == nil, let metrics = await run(tool, Self.metricsDeadlocks, target), metrics.status == 0 {
            deadlocks = ProbeOutput.rows(metrics.output, separator: "\t").first.flatMap { $0.count == 2 ? ProbeOutput.integer($0[1]) : nil }
        }
        if deadlocks == nil { sample.missing.append("deadlocks_count: neither Innodb_deadlocks nor INNODB_METRICS lock_deadlocks is readable") }
        if values["performance_schema"] == "1" {
            await readDigests(tool, target, into: &sample)
        } else {
            sample.missing.append(
                "query_time_avg_ms, slow_queries_count, slow_queries: performance_schema is off (performance_schema=ON in the server's configuration)")
        }
        await readReplication(tool, target, into: &sample)
        return (sample, deadlocks)
    }

    private func readDigests(_ tool: String, _ target: DatabaseTarget, into sample: inout DatabaseSample) async {
        guard let result = await run(tool, Self.digests, target), result.status == 0 else {
            sample.missing.append("query_time_avg_ms, slow_queries_count, slow_queries: performance_schema's digest summary is not readable by this user")
            return
        }
        ProbeOutput.statements(ProbeOutput.rows(result.output, separator: "\t"), into: &sample)
        if sample.slowQueriesCount == nil { sample.slowQueriesCount = sample.queryTimeAvgMs == nil ? nil : 0 }
    }

    /// `SHOW SLAVE STATUS` with its column names (many columns; the lag's position varies by version).
    private func readReplication(_ tool: String, _ target: DatabaseTarget, into sample: inout DatabaseSample) async {
        guard let result = await run(tool, "SHOW SLAVE STATUS", target, columnNames: true), result.status == 0 else {
            sample.missing.append("replication_lag_ms: replication status not readable (the REPLICATION CLIENT privilege)")
            return
        }
        let rows = ProbeOutput.rows(result.output, separator: "\t")
        guard rows.count >= 2, let column = rows[0].firstIndex(of: "Seconds_Behind_Master"), rows[1].indices.contains(column) else {
            sample.missing.append("replication_lag_ms: not replicating")
            return
        }
        if let seconds = ProbeOutput.number(rows[1][column]) {
            sample.replicationLagMs = seconds * 1_000
        } else {
            sample.missing.append("replication_lag_ms: replication threads stopped")
        }
    }

    private func run(_ tool: String, _ sql: String, _ target: DatabaseTarget, columnNames: Bool = false) async -> CommandRunner.Result? {
        // --no-defaults first: no option file of the machine changes what is run; each value
        // as --name=value, so none can be read as another option.
        var arguments = [
            "--no-defaults", "--batch", "--connect-timeout=5", "--host=\(target.host)", "--port=\(target.port)", "--user=\(target.user)",
            "--database=\(target.database)", "--execute=\(sql)",
        ]
        if !columnNames { arguments.insert("--skip-column-names", at: 2) }
        let environment = target.password.map { ["MYSQL_PWD=\($0)"] } ?? []
        return try? await runner.run(tool, arguments, environment: environment, timeout: .seconds(20))
    }
}
