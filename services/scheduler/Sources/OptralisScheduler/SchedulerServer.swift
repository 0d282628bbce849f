import Foundation
import Hummingbird
import Logging
import OptralisCore
import OptralisCurl
import OptralisPostgres
import OptralisRedis
import OptralisReports
import OptralisServer

/// The scheduler's composition root: the recurring jobs under ``JobRunner``, and `/health`.
public struct SchedulerServer: Sendable {
    public let configuration: SchedulerConfiguration
    let database: Database
    let redis: RedisClient
    let builder: ServiceApplicationBuilder<ServiceRequestContext>

    public init(configuration: SchedulerConfiguration, logger: Logger) {
        self.configuration = configuration
        database = Database(url: configuration.databaseURL, logger: logger)
        redis = RedisClient(url: configuration.redisURL, logger: logger)
        builder = .init(service: "scheduler", address: configuration.address, database: database, redis: redis, redisUse: .required, logger: logger)
    }

    /// The jobs and their schedules (UTC).
    func jobs(http: CurlClient) -> [ScheduledJob] {
        let logger = builder.logger
        let client = database.client
        let queues = NotificationQueues(redis: redis)
        let database = self.database
        let redis = self.redis
        let utc = TimeZone(identifier: "UTC")!
        // Fixed, valid expressions (a failure here is a programming error caught by the tests),
        // unless SCHEDULER_SCHEDULES replaces them.
        func cron(_ text: String) -> Schedule { try! Schedule(text, timeZone: utc) }
        let jobs =
            [
                ScheduledJob(name: "machine-alerts", schedule: cron("* * * * *")) {
                    try await MachineAlertJob(
                        client: client, queues: queues, publicURL: configuration.publicURL, offlineAfter: configuration.offlineAfter, logger: logger
                    ).run()
                },
                ScheduledJob(name: "login-alerts", schedule: cron("* * * * *")) {
                    try await LoginAlertJob(client: client, queues: queues, publicURL: configuration.publicURL, logger: logger).run()
                },
                ScheduledJob(name: "token-cleanup", schedule: cron("5 * * * *")) {
                    try await TokenCleanupJob(client: client, logger: logger).run()
                },
                ScheduledJob(name: "retention", schedule: cron("15 * * * *"), lockTTL: .seconds(120)) {
                    try await RetentionJob(client: client, logger: logger).run()
                },
                ScheduledJob(name: "reminders", schedule: cron("0 9 * * *")) {
                    try await ReminderJob(client: client, queues: queues, publicURL: configuration.publicURL, logger: logger).run()
                },
                // Each client at its own hour in its own time zone (DailySummaryJob); every 5 minutes
                // reaches the zones 30 or 45 minutes off UTC too.
                ScheduledJob(name: "daily-summary", schedule: cron("*/5 * * * *"), lockTTL: .seconds(120)) {
                    try await DailySummaryJob(client: client, queues: queues, publicURL: configuration.publicURL, logger: logger).run()
                },
                ScheduledJob(name: "rollups", schedule: cron("2 * * * *"), lockTTL: .seconds(120)) {
                    try await RollupJob(client: client, redis: redis, logger: logger).run()
                },
                ScheduledJob(name: "uptime", schedule: cron("*/30 * * * *")) {
                    try await UptimeJob(database: database, http: http, apiURL: configuration.apiURL, aiURL: configuration.aiURL, logger: logger).run()
                },
            ]
            + [
                // "Rapports PDF Automatiques (Pro+)": the last complete week, month and quarter.
                ("executive-weekly", ExecutiveReportKind.weekly, "0 7 * * 1"), ("executive-monthly", .monthly, "0 7 1 * *"),
                ("executive-quarterly", .quarterly, "0 7 1 1,4,7,10 *"),
            ].map { name, kind, expression in
                ScheduledJob(name: name, schedule: cron(expression), lockTTL: .seconds(300)) {
                    try await ExecutiveReportJob(
                        kind: kind, builder: ExecutiveReportBuilder(store: ExecutiveReportStore(client: client, logger: logger)), queues: queues,
                        publicURL: configuration.publicURL, logger: logger
                    ).run(occurrence: JobRunner.occurrence ?? Date())
                }
            }
        return jobs.map { job in
            guard let schedule = configuration.scheduleOverrides[job.name] else { return job }
            return ScheduledJob(name: job.name, schedule: schedule, lockTTL: job.lockTTL, run: job.run)
        }
    }

    /// The names of the scheduled jobs (`optralis-scheduler run-job`, `SCHEDULER_SCHEDULES`); a
    /// test checks it against ``jobs(http:)``.
    public static let jobNames = [
        "machine-alerts", "login-alerts", "token-cleanup", "retention", "reminders", "daily-summary", "rollups", "uptime", "executive-weekly",
        "executive-monthly", "executive-quarterly",
    ]

    /// Runs one job now, outside its schedule and without its lock (`optralis-scheduler run-job`):
    /// for operators, and for the benchmarks.
    public func runOnce(job name: String) async throws -> (counts: [String: Int], duration: Duration) {
        let http = CurlClient(concurrency: 2)
        guard let job = jobs(http: http).first(where: { $0.name == name }) else {
            throw CronError(expression: name, reason: "no such job; jobs: \(Self.jobNames.joined(separator: ", "))")
        }
        let result = try await withThrowingTaskGroup(of: (counts: [String: Int], duration: Duration)?.self) { group in
            group.addTask {
                await database.client.run()
                return nil
            }
            defer { group.cancelAll() }
            try await database.waitUntilReachable(logger: builder.logger)
            let clock = ContinuousClock()
            let start = clock.now
            let counts = try await job.run()
            return (counts, clock.now - start)
        }
        await http.shutdown()
        await redis.shutdown()
        return result
    }

    public func makeRouter() -> Router<ServiceRequestContext> {
        builder.router { _ in }
    }

    public func makeApplication() -> some ApplicationProtocol {
        let http = CurlClient(concurrency: 4)
        let runner = JobRunner(jobs: jobs(http: http), redis: redis, replicaID: configuration.replicaID, logger: builder.logger)
        return builder.application(router: makeRouter(), workers: [runner, CurlService(client: http)])
    }
}
