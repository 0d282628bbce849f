import Foundation
import OptralisCore
import OptralisTestSupport
import Testing

@testable import OptralisAgent

/// The `databases` collector against the tests' real PostgreSQL: a database and a role of its
/// own as the monitored target, a deadlock and a slow statement provoked, then the figures read.
@Suite("Databases collector (PostgreSQL)")
struct PostgresCollectorTests {
    let runner = CommandRunner()

    /// The test cluster's superuser connection, and psql run as it on `database`.
    struct Cluster {
        let host: String
        let port: Int
        let user: String
        let password: String
        let runner: CommandRunner

        init(runner: CommandRunner) throws {
            let url = try #require(URLComponents(string: try TestEnvironment.variable("OPTRALIS_TEST_DATABASE_URL")))
            host = url.host ?? "127.0.0.1"
            port = url.port ?? 5432
            user = url.user ?? "optralis"
            password = url.password ?? ""
            self.runner = runner
        }

        @discardableResult
        func psql(_ sql: String, database: String = "optralis", as role: (String, String)? = nil) async throws -> CommandRunner.Result {
            let (name, secret) = role ?? (user, password)
            let environment = ["PGHOST=\(host)", "PGPORT=\(port)", "PGUSER=\(name)", "PGPASSWORD=\(secret)", "PGDATABASE=\(database)"]
            return try #require(try await runner.run("psql", ["-X", "-q", "-A", "-t", "-c", sql], environment: environment, timeout: .seconds(30)))
        }
    }

    @Test func reads_connections_deadlocks_cache_slow_statements_and_says_what_is_missing() async throws {
        let cluster = try Cluster(runner: runner)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let database = "t_monitored_\(suffix)", role = "monitor_\(suffix)", secret = "Mon-\(suffix)-pw"
        try #require(try await cluster.psql("CREATE DATABASE \(database)").status == 0)
        defer { Task { _ = try? await cluster.psql("DROP DATABASE IF EXISTS \(database) WITH (FORCE); DROP ROLE IF EXISTS \(role)") } }
        try await cluster.psql("CREATE ROLE \(role) LOGIN PASSWORD '\(secret)'; GRANT pg_monitor TO \(role)")
        let setup = try await cluster.psql(
            "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; CREATE TABLE pair (id int PRIMARY KEY, v int); INSERT INTO pair VALUES (1, 0), (2, 0); "
                + "GRANT ALL ON pair TO \(role)", database: database)
        try #require(setup.status == 0, "\(setup.output)")

        let target = DatabaseTarget(id: UUID(), engine: "postgresql", host: cluster.host, port: cluster.port, database: database, user: role, password: secret)
        let collector = DatabasesCollector(runner: runner, targets: DatabaseTargetList([target]))
        let first = try #require(try await collector.collect().databases.first)
        #expect(first.error == nil, "\(first.error ?? "")")
        #expect(first.databaseID == target.id)
        #expect(first.deadlocksCount == nil && first.missing.contains { $0.hasPrefix("deadlocks_count: first sample") }, "\(first.missing)")
        #expect(first.replicationLagMs == nil && first.missing.contains("replication_lag_ms: not replicating"))

        // Two sessions taking the same two rows in opposite orders: PostgreSQL ends one of them.
        let mine = (role, secret)
        async let left = cluster.psql(
            "BEGIN; UPDATE pair SET v = 1 WHERE id = 1; SELECT pg_sleep(0.5); UPDATE pair SET v = 1 WHERE id = 2; COMMIT", database: database, as: mine)
        async let right = cluster.psql(
            "BEGIN; UPDATE pair SET v = 2 WHERE id = 2; SELECT pg_sleep(0.5); UPDATE pair SET v = 2 WHERE id = 1; COMMIT", database: database, as: mine)
        let statuses = [try await left.status, try await right.status]
        #expect(statuses.sorted() == [0, 1], "one of the two is the deadlock's victim: \(statuses)")
        // A statement of its own shape: pg_stat_statements would fold a bare `SELECT pg_sleep(…)`
        // (aliases do not count) with the deadlock's pg_sleep(0.5) calls.
        try #require(try await cluster.psql("SELECT pg_sleep(1.2) FROM (VALUES (1)) AS slow_probe", database: database, as: mine).status == 0)

        // A statement still running while the collector reads: an active connection.
        async let running = cluster.psql("SELECT pg_sleep(3)", database: database, as: mine)
        try await Task.sleep(for: .milliseconds(800))
        let second = try #require(try await collector.collect().databases.first)
        _ = try await running
        #expect(second.error == nil, "\(second.error ?? "")")
        #expect(second.deadlocksCount == 1, "the deadlock, as a change since the first sample: \(second.missing)")
        #expect((second.connectionsActive ?? 0) >= 1 && second.connectionsIdle != nil, "\(String(describing: second.connectionsActive))")
        let ratio = try #require(second.cacheHitRatio)
        #expect((0...100).contains(ratio) && ratio > 50)
        #expect((second.slowQueriesCount ?? 0) >= 1, "pg_sleep(1.2) is a statement over 1 s: \(second.slowQueries)")
        let sleep = try #require(second.slowQueries.first { $0.query.contains("slow_probe") && $0.meanMs >= 1_200 }, "\(second.slowQueries)")
        #expect(sleep.calls >= 1 && second.slowQueries.first?.meanMs == second.slowQueries.map(\.meanMs).max(), "slowest first: \(second.slowQueries)")
        #expect(!second.slowQueries.contains { $0.query.contains("optralis-agent") }, "the probe's own statements are left out")
        #expect((second.queryTimeAvgMs ?? 0) > 0)
        #expect(second.replicationLagMs == nil && !second.missing.contains { $0.hasPrefix("query_time_avg_ms") }, "\(second.missing)")
    }

    @Test func a_database_without_pg_stat_statements_or_reachable_credentials_reports_what_is_missing() async throws {
        let cluster = try Cluster(runner: runner)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let database = "t_plain_\(suffix)"
        try #require(try await cluster.psql("CREATE DATABASE \(database)").status == 0)
        defer { Task { _ = try? await cluster.psql("DROP DATABASE IF EXISTS \(database) WITH (FORCE)") } }
        let plain = DatabaseTarget(
            id: UUID(), engine: "postgresql", host: cluster.host, port: cluster.port, database: database, user: cluster.user, password: cluster.password)
        let wrong = DatabaseTarget(
            id: UUID(), engine: "postgresql", host: cluster.host, port: cluster.port, database: database, user: cluster.user, password: "wrong")
        let samples = try await DatabasesCollector(runner: runner, targets: DatabaseTargetList([plain, wrong])).collect().databases
        try #require(samples.count == 2)
        #expect(samples[0].error == nil && samples[0].queryTimeAvgMs == nil && samples[0].slowQueriesCount == nil)
        #expect(samples[0].missing.contains { $0.contains("pg_stat_statements is not installed") }, "\(samples[0].missing)")
        #expect(samples[0].connectionsIdle != nil && samples[0].cacheHitRatio != nil)
        #expect(samples[1].error?.contains("could not connect") == true && samples[1].connectionsActive == nil, "\(samples[1].error ?? "")")

        let missingTool = DatabasesCollector(runner: CommandRunner(searchPath: ["/nonexistent"]), targets: DatabaseTargetList([plain]))
        #expect(try await missingTool.collect().databases.first?.error?.contains("psql is not installed") == true)
    }
}

/// The `databases` collector against a real MariaDB (`scripts/mariadb.sh`, started by
/// `scripts/test.sh` when a server is installed); skipped without one.
@Suite("Databases collector (MariaDB)", .enabled(if: ProcessInfo.processInfo.environment["OPTRALIS_TEST_MARIADB_URL"] != nil))
struct MariaDBCollectorTests {
    let runner = CommandRunner()

    @Test func reads_connections_deadlocks_cache_and_slow_statements() async throws {
        let url = try #require(URLComponents(string: ProcessInfo.processInfo.environment["OPTRALIS_TEST_MARIADB_URL"] ?? ""))
        let host = url.host ?? "127.0.0.1", port = url.port ?? 3306
        let tool = runner.which("mariadb") != nil ? "mariadb" : "mysql"
        @discardableResult
        func sql(_ statement: String, user: String = url.user ?? "root", password: String = url.password ?? "", database: String? = nil) async throws
            -> CommandRunner.Result
        {
            var arguments = ["--no-defaults", "--batch", "--host=\(host)", "--port=\(port)", "--user=\(user)", "--execute=\(statement)"]
            if let database { arguments.append("--database=\(database)") }
            return try #require(try await runner.run(tool, arguments, environment: ["MYSQL_PWD=\(password)"], timeout: .seconds(30)))
        }
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let database = "t_monitored_\(suffix)", user = "monitor_\(suffix)", secret = "Mon-\(suffix)-pw"
        let setup = try await sql(
            """
            CREATE DATABASE \(database); CREATE USER '\(user)'@'%' IDENTIFIED BY '\(secret)';
            GRANT ALL ON \(database).* TO '\(user)'@'%'; GRANT SELECT ON performance_schema.* TO '\(user)'@'%';
            CREATE TABLE \(database).pair (id INT PRIMARY KEY, v INT) ENGINE=InnoDB; INSERT INTO \(database).pair VALUES (1, 0), (2, 0)
            """)
        try #require(setup.status == 0, "\(setup.output)")
        defer { Task { _ = try? await sql("DROP DATABASE IF EXISTS \(database); DROP USER IF EXISTS '\(user)'@'%'") } }

        let target = DatabaseTarget(id: UUID(), engine: "mysql", host: host, port: port, database: database, user: user, password: secret)
        let collector = DatabasesCollector(runner: runner, targets: DatabaseTargetList([target]))
        let first = try #require(try await collector.collect().databases.first)
        #expect(first.error == nil, "\(first.error ?? "")")
        #expect(first.deadlocksCount == nil && first.missing.contains { $0.hasPrefix("deadlocks_count: first sample") }, "\(first.missing)")

        async let left = sql(
            "BEGIN; UPDATE pair SET v = 1 WHERE id = 1; DO SLEEP(0.5); UPDATE pair SET v = 1 WHERE id = 2; COMMIT",
            user: user, password: secret, database: database)
        async let right = sql(
            "BEGIN; UPDATE pair SET v = 2 WHERE id = 2; DO SLEEP(0.5); UPDATE pair SET v = 2 WHERE id = 1; COMMIT",
            user: user, password: secret, database: database)
        let statuses = [try await left.status, try await right.status]
        #expect(statuses.sorted() == [0, 1], "one of the two is the deadlock's victim: \(statuses)")
        try #require(try await sql("SELECT SLEEP(1.2)", user: user, password: secret, database: database).status == 0)

        let second = try #require(try await collector.collect().databases.first)
        #expect(second.error == nil, "\(second.error ?? "")")
        #expect(second.deadlocksCount == 1, "\(second.missing)")
        #expect(second.connectionsActive != nil && second.connectionsIdle != nil)
        #expect((0...100).contains(second.cacheHitRatio ?? -1))
        #expect((second.slowQueriesCount ?? 0) >= 1, "SLEEP(1.2) is a statement over 1 s: \(second.missing)")
        #expect(second.slowQueries.contains { $0.query.uppercased().contains("SLEEP") && $0.meanMs >= 1_200 }, "\(second.slowQueries)")
        #expect(second.replicationLagMs == nil && second.missing.contains { $0.hasPrefix("replication_lag_ms") }, "\(second.missing)")

        let wrong = DatabaseTarget(id: UUID(), engine: "mysql", host: host, port: port, database: database, user: user, password: "wrong")
        let refused = try #require(try await DatabasesCollector(runner: runner, targets: DatabaseTargetList([wrong])).collect().databases.first)
        #expect(refused.error?.contains("could not connect") == true && refused.connectionsActive == nil)
    }
}
