import Foundation
import OptralisPostgres
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("Schema migrations")
struct MigrationRunnerTests {
    func tables(_ client: PostgresClient) async throws -> Set<String> {
        var names: Set<String> = []
        for try await name in try await client.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", logger: testLogger
        ).decode(String.self) { names.insert(name) }
        return names
    }

    func temporaryMigrations(_ files: [String: String]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, sql) in files { try sql.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return directory.path
    }

    @Test func the_schema_applies_to_an_empty_database_and_reapplying_is_a_no_op() async throws {
        let database = try await TestDatabase.create(migrated: false)
        let migrations = try Migration.load(from: TestEnvironment.migrationsDirectory)
        try await database.withClient { client in
            let runner = MigrationRunner(client: client, logger: testLogger)
            let first = try await runner.run(migrations)
            #expect(first.applied == migrations.map(\.fileName))
            let names = try await tables(client)
            let core: Set = [
                "clients", "users", "machines", "groups", "labels", "machine_labels", "metrics", "disk_info", "event_logs",
                "smart_data", "activity_logs", "service_uptime", "machine_collector_data", "machine_inventory",
                "client_certificates", "install_tokens", "notification_channels", "notification_history", "alert_rules",
                "alert_rule_history", "agent_versions", "agent_requirements", "windows_builds", "license_types",
                "refresh_tokens", "token_blacklist", "password_reset_tokens", "metrics_hourly", "schema_migrations",
            ]
            #expect(core.subtracting(names).isEmpty, "missing: \(core.subtracting(names))")

            let second = try await runner.run(migrations)
            #expect(second.applied.isEmpty)
            #expect(second.alreadyApplied == migrations.count)
            #expect(try await tables(client) == names)
        }
        try await database.drop()
    }

    @Test func two_runners_at_once_apply_each_migration_exactly_once() async throws {
        let database = try await TestDatabase.create(migrated: false)
        let migrations = try Migration.load(from: TestEnvironment.migrationsDirectory)
        async let first = database.withClient { try await MigrationRunner(client: $0, logger: testLogger).run(migrations) }
        async let second = database.withClient { try await MigrationRunner(client: $0, logger: testLogger).run(migrations) }
        let reports = try await [first, second]
        #expect(reports.map(\.applied.count).reduce(0, +) == migrations.count)
        #expect(reports.contains { $0.applied.isEmpty && $0.alreadyApplied == migrations.count }, "the waiting runner finds nothing left")
        try await database.drop()
    }

    @Test func a_failing_migration_rolls_back_whole_and_names_its_file() async throws {
        let directory = try temporaryMigrations([
            "0001_first.sql": "CREATE TABLE kept (id INT);",
            "0002_broken.sql": "CREATE TABLE half_done (id INT);\nSELECT no_such_function();",
            "README.md": "not a migration",
        ])
        let database = try await TestDatabase.create(migrated: false)
        try await database.withClient { client in
            let runner = MigrationRunner(client: client, logger: testLogger)
            let error = await #expect(throws: MigrationError.self) { try await runner.run(try Migration.load(from: directory)) }
            #expect(error?.description.contains("0002_broken.sql failed at statement 2") == true, "\(String(describing: error))")
            let names = try await tables(client)
            #expect(names.contains("kept"))
            #expect(!names.contains("half_done"), "the broken file's first statement was rolled back")
            let recorded = try await client.query("SELECT version FROM schema_migrations", logger: testLogger).decode(Int.self)
                .reduce(into: [Int]()) { $0.append($1) }
            #expect(recorded == [1])
        }
        try await database.drop()
    }

    @Test func an_applied_migration_that_was_edited_is_refused() async throws {
        let directory = try temporaryMigrations(["0001_first.sql": "CREATE TABLE t (id INT);"])
        let database = try await TestDatabase.create(migrated: false)
        try await database.withClient { client in
            let runner = MigrationRunner(client: client, logger: testLogger)
            try await runner.run(try Migration.load(from: directory))
            try "CREATE TABLE t (id BIGINT);".write(toFile: directory + "/0001_first.sql", atomically: true, encoding: .utf8)
            let error = await #expect(throws: MigrationError.self) { try await runner.run(try Migration.load(from: directory)) }
            #expect(error?.description.contains("changed after it was applied") == true)
        }
        try await database.drop()
    }

    @Test func badly_named_or_duplicate_files_are_refused() throws {
        let misnamed = try temporaryMigrations(["1_short.sql": "SELECT 1;"])
        #expect(throws: MigrationLoadError.self) { try Migration.load(from: misnamed) }
        let duplicate = try temporaryMigrations(["0001_a.sql": "SELECT 1;", "0001_b.sql": "SELECT 2;"])
        #expect(throws: MigrationLoadError.self) { try Migration.load(from: duplicate) }
        let ordered = try temporaryMigrations(["0010_later.sql": "SELECT 1;", "0002_sooner.sql": "SELECT 2;"])
        #expect(try Migration.load(from: ordered).map(\.version) == [2, 10])
    }
}
