import Foundation
import OptralisCore
import OptralisCurl
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("optralis-api executable")
struct APIExecutableTests {
    var binary: String { TestEnvironment.binaryDirectory.appendingPathComponent("optralis-api").path }

    @Test func starts_answers_health_and_metrics_and_stops_on_sigterm() async throws {
        let database = try await TestDatabase.create()
        try await ServiceLifecycleCheck.run(
            binary: "optralis-api", service: "api", portVariable: "PORT",
            environment: try ServiceLifecycleCheck.serverEnvironment(database: database), expectedChecks: ["postgres", "redis"])
        try await database.drop()
    }

    /// The api on a database of its own, its environment changed by `change`.
    func launch(_ change: (inout [String: String]) throws -> Void) async throws -> (ServiceProcess, TestDatabase) {
        let database = try await TestDatabase.create()
        let port = try freePort()
        var environment = try ServiceLifecycleCheck.serverEnvironment(database: database)
        environment["PORT"] = String(port)
        try change(&environment)
        return (try ServiceProcess.launch("optralis-api", environment: environment, port: port), database)
    }

    @Test func with_redis_unreachable_it_still_serves_and_reports_degraded() async throws {
        let (process, database) = try await launch { $0["REDIS_URL"] = "redis://127.0.0.1:\(try freePort())/0" }
        let http = CurlClient(concurrency: 1)
        defer { Task { await http.shutdown() } }
        let response = try #require(await process.waitUntilServing(client: http), "\(process.child.output)")
        #expect(response.status == 200)
        let report = try JSONDecoder().decode(HealthReport.self, from: Data(response.body))
        #expect(report.status == .degraded)
        #expect(report.checks["postgres"]?.status == .up)
        #expect(report.checks["redis"]?.status == .down)
        #expect(report.checks["redis"]?.error?.contains("cannot connect") == true, "\(String(describing: report.checks["redis"]))")
        process.child.signal(SIGTERM)
        #expect(await process.child.waitForExit(timeout: .seconds(5)) == 0)
        try await database.drop()
    }

    /// Stopped while PostgreSQL does not answer yet (it waits up to 15 s for it at start): it exits
    /// 0 at once, not when the wait runs out. `docker compose stop` kills after 10 s.
    @Test func stopped_while_waiting_for_postgres_it_exits_0_at_once() async throws {
        let (process, database) = try await launch { $0["DATABASE_URL"] = "postgres://optralis:x@127.0.0.1:\(try freePort())/optralis" }
        #expect(await eventually(timeout: .seconds(20)) { process.child.output.contains("postgres not reachable yet") }, "\(process.child.output)")
        process.child.signal(SIGTERM)
        let status = await process.child.waitForExit(timeout: .seconds(5))
        if status == nil { process.child.signal(SIGKILL) }
        #expect(status == 0, "\(process.child.output.suffix(1500))")
        #expect(process.child.output.contains("stopped before it started"), "\(process.child.output.suffix(1500))")
        try await database.drop()
    }

    @Test func without_jwt_secret_or_database_url_it_exits_non_zero_naming_both() async throws {
        let result = try await ChildProcess.run(
            binary, [], environment: ["PATH": "/usr/bin:/bin", "INTERNAL_SERVICE_TOKEN": String(repeating: "i", count: 40)])
        #expect(result.status == 78)
        #expect(result.output.contains("JWT_SECRET is required"), "\(result.output)")
        #expect(result.output.contains("DATABASE_URL is required"), "\(result.output)")
        #expect(result.output.contains("DATABASE_CREDENTIALS_KEY is required"), "\(result.output)")
    }

    @Test func a_database_credentials_key_that_is_not_64_hex_digits_is_refused_and_named() async throws {
        for key in [String(repeating: "a", count: 40), String(repeating: "z", count: 64)] {
            let result = try await ChildProcess.run(
                binary, [],
                environment: [
                    "DATABASE_URL": "postgres://u:p@127.0.0.1:1/db", "JWT_SECRET": String(repeating: "j", count: 40),
                    "INTERNAL_SERVICE_TOKEN": String(repeating: "i", count: 40), "DATABASE_CREDENTIALS_KEY": key,
                ])
            #expect(result.status == 78)
            #expect(result.output.contains("DATABASE_CREDENTIALS_KEY must"), "\(result.output)")
            #expect(!result.output.contains(key), "a key is never echoed")
        }
    }

    @Test func a_jwt_secret_under_32_characters_is_refused() async throws {
        let result = try await ChildProcess.run(
            binary, [],
            environment: [
                "DATABASE_URL": "postgres://u:p@127.0.0.1:1/db", "JWT_SECRET": "only-31-characters-long-secret!",
                "INTERNAL_SERVICE_TOKEN": String(repeating: "i", count: 40),
            ])
        #expect(result.status == 78)
        #expect(result.output.contains("JWT_SECRET must be at least 32 characters (got 31)"), "\(result.output)")
        #expect(!result.output.contains("only-31-characters-long-secret!"), "a secret is never echoed")
    }

    @Test func a_malformed_database_url_is_named_without_leaking_its_password() async throws {
        let result = try await ChildProcess.run(
            binary, ["migrate"], environment: ["DATABASE_URL": "mysql://user:hunter2@host/db"])
        #expect(result.status == 78)
        #expect(result.output.contains("DATABASE_URL must start with postgres://"), "\(result.output)")
        #expect(!result.output.contains("hunter2"))
    }

    @Test func migrate_subcommand_migrates_an_empty_database_and_exits() async throws {
        let database = try await TestDatabase.create(migrated: false)
        let result = try await ChildProcess.run(binary, ["migrate"], environment: ["DATABASE_URL": database.url.urlString])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("msg=\"schema up to date\""), "\(result.output)")
        let versions = try await database.withClient { client in
            try await client.query("SELECT count(*) FROM schema_migrations", logger: testLogger).decode(Int.self).reduce(0, +)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: TestEnvironment.migrationsDirectory).filter { $0.hasSuffix(".sql") }
        #expect(versions == files.count)
        try await database.drop()
    }

    @Test func two_migrate_processes_started_together_both_succeed() async throws {
        let database = try await TestDatabase.create(migrated: false)
        async let first = ChildProcess.run(binary, ["migrate"], environment: ["DATABASE_URL": database.url.urlString])
        async let second = ChildProcess.run(binary, ["migrate"], environment: ["DATABASE_URL": database.url.urlString])
        let results = try await [first, second]
        for result in results { #expect(result.status == 0, "\(result.output)") }
        let applied = results.map { $0.output.components(separatedBy: "msg=\"migration applied\"").count - 1 }
        let files = try FileManager.default.contentsOfDirectory(atPath: TestEnvironment.migrationsDirectory).filter { $0.hasSuffix(".sql") }
        #expect(applied.reduce(0, +) == files.count, "each migration is applied by exactly one of the two processes")
        try await database.drop()
    }

    @Test func serves_its_openapi_document_and_creates_the_first_super_admin_once() async throws {
        let database = try await TestDatabase.create()
        let port = try freePort()
        var environment = try ServiceLifecycleCheck.serverEnvironment(database: database)
        environment["PORT"] = String(port)
        environment["DEFAULT_ADMIN_EMAIL"] = "Root@Example.com"
        environment["DEFAULT_ADMIN_PASSWORD"] = "Initial-Passw0rd!"
        let http = CurlClient(concurrency: 2)
        defer { Task { await http.shutdown() } }

        for run in 1...2 {
            let process = try ServiceProcess.launch("optralis-api", environment: environment, port: port)
            try #require(await process.waitUntilServing(client: http) != nil, "\(process.child.output)")
            if run == 1 {
                let document = try await http.send(OutboundRequest(url: "http://127.0.0.1:\(port)/openapi.yaml"))
                #expect(document.status == 200)
                #expect(document.header("Content-Type")?.hasPrefix("application/yaml") == true)
                #expect(document.bodyText.hasPrefix("openapi: 3.1"))
            }
            process.child.signal(SIGTERM)
            #expect(await process.child.waitForExit(timeout: .seconds(5)) == 0)
        }

        let admins = try await database.withClient { client in
            var rows: [(String, Bool, String)] = []
            for try await row in try await client.query(
                "SELECT email, must_change_password, password_hash FROM users WHERE role = 'super_admin'", logger: testLogger
            ).decode((String, Bool, String).self) { rows.append(row) }
            return rows
        }
        #expect(admins.count == 1, "a restart does not create a second super_admin")
        #expect(admins.first?.0 == "root@example.com")
        #expect(admins.first?.1 == true, "the first login must change the password")
        #expect(admins.first?.2.hasPrefix("$2b$12$") == true, "bcrypt, cost 12")
        try await database.drop()
    }
}
