import Foundation
import OptralisPostgres
import OptralisTestSupport
import PostgresNIO
import Testing

/// Issue 17, item 7: the services used to connect as the schema's owner (in compose, the
/// image's superuser). `optralis-api migrate` now keeps a role that only reads and writes rows.
@Suite("The services' PostgreSQL role: rows only, kept by optralis-api migrate")
struct AppDatabaseRoleTests {
    var binary: String { TestEnvironment.binaryDirectory.appendingPathComponent("optralis-api").path }

    @Test func the_api_serves_as_a_role_that_cannot_change_the_schema() async throws {
        let database = try await TestDatabase.create(migrated: false)
        let role = "optralis_app_" + UUID().uuidString.prefix(8).lowercased()
        let password = "it's a \"quoted\" pass; word"
        let migrate = try await ChildProcess.run(
            binary, ["migrate"],
            environment: [
                "DATABASE_URL": database.url.urlString, "DATABASE_APP_USER": role, "DATABASE_APP_PASSWORD": password,
                "OPTRALIS_MIGRATIONS_DIR": TestEnvironment.migrationsDirectory,
            ])
        #expect(migrate.status == 0, "\(migrate.output)")
        // Twice: provisioning is idempotent (an upgrade runs it again).
        #expect(
            try await ChildProcess.run(
                binary, ["migrate"],
                environment: [
                    "DATABASE_URL": database.url.urlString, "DATABASE_APP_USER": role, "DATABASE_APP_PASSWORD": password,
                    "OPTRALIS_MIGRATIONS_DIR": TestEnvironment.migrationsDirectory,
                ]
            ).status == 0)

        var appURL = database.url
        appURL.username = role
        appURL.password = password
        do {
            // The api starts (its start-up migration finds nothing to do) and serves as that role.
            try await APIHarness.run(database: database, environment: ["DATABASE_URL": appURL.urlString]) { api in
                let client = try await api.seedClient()
                let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
                let group = try await api.send(.post, "/api/groups", token: admin, json: ["name": "Rack A"])
                #expect(group.status == .ok || group.status == .created, "\(group.text)")
                #expect(try await api.send(.get, "/api/machines", token: admin).status == .ok)
                let token = try await api.send(.post, "/api/install-tokens", token: admin, json: [:])
                #expect(token.status == .ok, "\(token.text)")
                #expect(try await api.send(.post, "/auth/logout", token: admin).status == .ok)
                #expect(try await api.send(.get, "/health").string("status") == "ok")
            }

            try await TestDatabase.withRunningClient(url: appURL) { db in
                let flags = try await db.query("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user", logger: testLogger)
                    .decode((Bool, Bool, Bool).self).reduce(into: [(Bool, Bool, Bool)]()) { $0.append($1) }
                #expect(flags.count == 1 && flags[0] == (false, false, false))
                for statement in ["DROP TABLE users", "CREATE TABLE intruder (id int)", "ALTER TABLE users ADD COLUMN x int", "TRUNCATE activity_logs"] {
                    await #expect(throws: PSQLError.self, "\(statement)") {
                        try await db.query(PostgresQuery(unsafeSQL: statement), logger: testLogger)
                    }
                }
            }
        } catch {
            try? await Self.cleanUp(database, role: role)
            throw error
        }
        try await Self.cleanUp(database, role: role)
    }

    @Test func a_role_name_that_is_not_an_identifier_is_refused_by_name() async throws {
        let result = try await ChildProcess.run(
            binary, ["migrate"],
            environment: [
                "DATABASE_URL": "postgres://u:p@127.0.0.1:1/db", "DATABASE_APP_USER": "app; DROP ROLE postgres", "DATABASE_APP_PASSWORD": "short",
            ])
        #expect(result.status == 78)
        #expect(result.output.contains("DATABASE_APP_USER must be a lower-case PostgreSQL identifier"), "\(result.output)")
        #expect(result.output.contains("DATABASE_APP_PASSWORD must be at least 16 characters"), "\(result.output)")
    }

    /// Roles belong to the cluster, not to the test's database.
    static func cleanUp(_ database: TestDatabase, role: String) async throws {
        try await database.drop()
        try await TestDatabase.withRunningClient(url: try TestEnvironment.adminDatabaseURL) { db in
            try await db.query(PostgresQuery(unsafeSQL: "DROP ROLE IF EXISTS \"\(role)\""), logger: testLogger)
        }
    }
}
