import OptralisPostgres
import OptralisTestSupport
import PostgresNIO
import Testing

/// ``DatabaseURL/clientConfiguration(maximumConnections:genericPlans:)``: the api's keyed pools
/// asks PostgreSQL, at each connection's start, to run prepared statements' generic plans and
/// to reach tables by key.
@Suite("Database pool options")
struct DatabasePoolOptionsTests {
    @Test func generic_plans_hold_on_the_connections_of_the_pool_that_asks_and_only_there() async throws {
        let url = try TestEnvironment.adminDatabaseURL
        let settings =
            "current_setting('plan_cache_mode') || ' ' || current_setting('enable_seqscan') || ' ' || current_setting('enable_hashjoin') || ' ' || current_setting('enable_mergejoin')"
        for (generic, expected) in [(true, "force_generic_plan off off off"), (false, "auto on on on")] {
            let client = PostgresClient(configuration: url.clientConfiguration(maximumConnections: 2, genericPlans: generic), backgroundLogger: testLogger)
            let mode = try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
                    await client.run()
                    return nil
                }
                defer { group.cancelAll() }
                return try await client.query(PostgresQuery(unsafeSQL: "SELECT \(settings)"), logger: testLogger).decode(String.self).collect().first
            }
            #expect(mode == expected)
        }
    }
}
