import Hummingbird
import Logging
import ServiceLifecycle
import OptralisCurl
import OptralisPostgres
import OptralisRedis
import OptralisServer

/// The ai service's composition root.
public struct AIServer: Sendable {
    public let configuration: AIConfiguration
    let database: Database
    let redis: RedisClient
    /// Claude's transport; its threads stop with the service group (``makeApplication()``).
    let curl: CurlClient
    let healthScores: HealthScoreController
    let quotas: QuotaController
    let analyses: AnalysisController
    let reports: ReportController
    /// Runs due routines and fires triggers (``AutomationWorker``).
    let automation: AutomationCycle
    /// Every machine's statistics-only health score (``HealthRefreshWorker``).
    let healthRefresh: HealthScoreRefresh
    let builder: ServiceApplicationBuilder<ServiceRequestContext>

    public init(configuration: AIConfiguration, logger: Logger) {
        self.configuration = configuration
        database = Database(url: configuration.databaseURL, logger: logger)
        redis = RedisClient(url: configuration.redisURL, logger: logger)
        curl = CurlClient(concurrency: 8)
        let cache = configuration.cacheTTLMinutes == 0 ? nil : ClaudeReplyCache(redis: redis, ttlSeconds: configuration.cacheTTLMinutes * 60, logger: logger)
        let narrative = NarrativeWriter(claude: ClaudeClient(configuration: configuration.claude, http: curl, logger: logger, cache: cache))
        let runner = MachineAnalysisRunner(
            database: database.client, lock: AnalysisLock(redis: redis, logger: logger), narrative: narrative,
            defaultLanguage: configuration.defaultLanguage, logger: logger)
        let healthScore = HealthScoreAnalysis(runner: runner)
        automation = AutomationCycle(
            database: database.client, redis: redis, healthScore: healthScore, publicURL: configuration.publicURL, logger: logger)
        healthRefresh = HealthScoreRefresh(
            database: database.client, logger: logger, period: .seconds(max(configuration.healthRefreshInterval, 60)))
        let access = AIAccess(
            internalToken: configuration.internalServiceToken,
            limiter: configuration.rateLimitPerMinute == 0
                ? nil : RateLimiter(redis: redis, limit: configuration.rateLimitPerMinute, windowSeconds: 60, logger: logger))
        analyses = AnalysisController(analyses: MachineAnalyses(runner: runner), access: access)
        healthScores = HealthScoreController(healthScore: healthScore, access: access)
        quotas = QuotaController(quota: QuotaStore(client: database.client, logger: logger), access: access)
        reports = ReportController(
            database: database.client,
            generator: ReportGenerator(database: database.client, narrative: narrative, queues: NotificationQueues(redis: redis), logger: logger),
            defaultLanguage: configuration.defaultLanguage, access: access, logger: logger)
        builder = .init(service: "ai", address: configuration.address, database: database, redis: redis, redisUse: .required, logger: logger)
    }

    public func makeRouter() -> Router<ServiceRequestContext> {
        builder.router(extraHealthChecks: [Self.claudeCheck(configured: configuration.claudeIsConfigured)]) { router in
            healthScores.addRoutes(to: router)
            quotas.addRoutes(to: router)
            analyses.addRoutes(to: router)
            reports.addRoutes(to: router)
        }
    }

    /// `claude` in `/health`: up when the client has a key, disabled without one. It makes no
    /// API call (the spec: "initialisation client Claude (sans appel API)"), so it costs nothing.
    static func claudeCheck(configured: Bool) -> HealthCheck {
        configured ? HealthCheck(name: "claude", required: false) { .zero } : .disabled("claude")
    }

    public func makeApplication() -> some ApplicationProtocol {
        builder.application(
            router: makeRouter(),
            workers: [
                CurlService(client: curl),
                AutomationWorker(cycle: automation, interval: .seconds(configuration.automationInterval), logger: builder.logger),
            ] as [any Service] + healthRefreshWorkers)
    }

    /// The health refresh's loop, unless `AI_HEALTH_REFRESH_INTERVAL_SECONDS` is 0.
    private var healthRefreshWorkers: [any Service] {
        configuration.healthRefreshInterval == 0
            ? []
            : [
                HealthRefreshWorker(
                    refresh: healthRefresh, redis: redis, interval: .seconds(configuration.healthRefreshInterval), logger: builder.logger)
            ]
    }
}
