import OptralisPostgres
import OptralisTestSupport
import PostgresNIO
import Testing

/// ``DatabaseURL/clientConfiguration(maximumConnections:genericPlans:)``: the api's collect pool
/// asks PostgreSQL, at each connection's start, to run prepared statements' generic plans.
@Suite("Database pool options")
struct DatabasePoolOptionsTests {
    @Test func generic_plans_hold_on_the_connections_of_the_pool_that_asks_and_only_there() async throws {
        let url = try TestEnvironment.adminDatabaseURL
        for (generic, expected) in [(true, "force_generic_plan"), (false, "auto")] {
            let client = PostgresClient(configuration: url.clientConfiguration(maximumConnections: 2, genericPlans: generic), backgroundLogger: testLogger)
            let mode = try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
                    await client.run()
                    return nil
                }
                defer { group.cancelAll() }
                return try await client.query("SHOW plan_cache_mode", logger: testLogger).decode(String.self).collect().first
            }
            #expect(mode == expected)
        }
    }
}
