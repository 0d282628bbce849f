import Foundation
import Logging
@testable import OptralisAI
import OptralisCurl
import OptralisRedis
import OptralisTestSupport
import PostgresNIO
import Testing

/// A database of the test's own, the test Redis and the automation cycle over them, without
/// Claude (no key: analyses give their statistics). Cycles are run by hand with a chosen `now`.
struct AutomationBed: Sendable {
    let db: PostgresClient
    let redis: RedisClient
    let cycle: AutomationCycle
    /// The dashboard address the webhooks' links start with.
    static let publicURL = "https://monitoring.example.com"

    /// `claudeBaseURL`: a fake Messages API to use, with a key (no Claude without it).
    static func run(claudeBaseURL: String? = nil, _ body: @Sendable (AutomationBed) async throws -> Void) async throws {
        var environment = [
            "DATABASE_URL": "postgres://unused@127.0.0.1:1/unused", "REDIS_URL": try TestEnvironment.variable("OPTRALIS_TEST_REDIS_URL"),
            "INTERNAL_SERVICE_TOKEN": AIHarness.token, "AI_RETRY_BASE_MS": "10", "PUBLIC_URL": Self.publicURL,
        ]
        if let claudeBaseURL {
            environment["ANTHROPIC_API_KEY"] = "sk-ant-test"
            environment["ANTHROPIC_BASE_URL"] = claudeBaseURL
        }
        let configuration = try AIConfiguration(environment: environment)
        let redis = RedisClient(url: configuration.redisURL, maximumConnections: 4, logger: testLogger)
        let curl = CurlClient(concurrency: 1)
        do {
            try await AIDatabase.run { db in
                let analysis = HealthScoreAnalysis(
                    runner: MachineAnalysisRunner(
                        database: db, lock: AnalysisLock(redis: redis, logger: testLogger),
                        narrative: NarrativeWriter(claude: ClaudeClient(configuration: configuration.claude, http: curl, logger: testLogger)),
                        defaultLanguage: .fr, logger: testLogger))
                try await body(
                    AutomationBed(
                        db: db, redis: redis,
                        cycle: AutomationCycle(
                            database: db, redis: redis, healthScore: analysis, publicURL: configuration.publicURL, logger: testLogger)))
            }
        } catch {
            await curl.shutdown()
            await redis.shutdown()
            throw error
        }
        await curl.shutdown()
        await redis.shutdown()
    }

    /// A client on `licence` with one machine whose last day of metrics has `cpu` percent CPU
    /// (sent up to a minute ago, so it is online and fresh).
    func client(licence: String = "pro", name: String = "Acme") async throws -> UUID {
        try await Seed.client(db, name: name, licence: licence, language: "fr")
    }

    func machine(client: UUID, hostname: String, cpu: Double = 20, createdAt: Date = Date().addingTimeInterval(-3 * 86_400)) async throws -> UUID {
        let machine = try await db.insertID(
            "INSERT INTO machines (client_id, hostname, last_seen, created_at) VALUES (\(client), \(hostname), now(), \(createdAt)) RETURNING id")
        try await db.query(
            """
            INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent, uptime_seconds)
            SELECT \(machine), t, \(cpu), 50, extract(epoch FROM t - (now() - interval '3 days'))::bigint
            FROM generate_series(now() - interval '1 day', now() - interval '1 minute', interval '5 minutes') t
            """, logger: testLogger)
        return machine
    }

    func routine(
        client: UUID, type: String = "daily_health_check", schedule: String = "0 8 * * *", enabled: Bool = true,
        nextRunAt: Date?, config: String = #"{"machines": "all"}"#
    ) async throws -> UUID {
        try await db.insertID(
            """
            INSERT INTO ai_routines (client_id, routine_type, schedule, enabled, config, next_run_at)
            VALUES (\(client), \(type), \(schedule), \(enabled), \(config)::jsonb, \(nextRunAt)) RETURNING id
            """)
    }

    func trigger(client: UUID, type: String, conditions: String, actions: String = "{}", createdAt: Date = Date().addingTimeInterval(-86_400)) async throws
        -> UUID
    {
        try await db.insertID(
            """
            INSERT INTO ai_triggers (client_id, trigger_type, conditions, actions, created_at)
            VALUES (\(client), \(type), \(conditions)::jsonb, \(actions)::jsonb, \(createdAt)) RETURNING id
            """)
    }

    /// Every row of a query, decoded as the given columns.
    func rows<each Column: PostgresDecodable>(_ sql: PostgresQuery, as type: (repeat each Column).Type) async throws -> [(repeat each Column)] {
        var rows: [(repeat each Column)] = []
        for try await row in try await db.query(sql, logger: testLogger).decode(type) { rows.append(row) }
        return rows
    }
}
