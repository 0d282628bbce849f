import Hummingbird
import ServiceLifecycle
import Logging
import OptralisCore
import OptralisCurl
import OptralisPostgres
import OptralisRedis
import OptralisReports
import OptralisServer

/// The api's composition root: database, Redis, migrations before the port opens, and every
/// route with its middleware.
public struct APIServer: Sendable {
    public let configuration: APIConfiguration
    let database: Database
    let redis: RedisClient?
    let builder: ServiceApplicationBuilder<APIRequestContext>
    let blacklist: TokenBlacklist
    let signer: TokenSigner
    /// Outbound calls to the ca, Turnstile, UptimeRobot and the Windows build feeds.
    let http: CurlClient
    /// The AI proxy's own threads: analyses take up to two minutes each, and a client running
    /// many of them must not leave enrolment or revocation (the ca) waiting for a thread.
    let aiHTTP: CurlClient
    /// One per replica: the admin routes' revocations drop what the agents' port remembers.
    let statuses: CertificateStatusCache

    public init(configuration: APIConfiguration, logger: Logger) async {
        self.configuration = configuration
        database = Database(url: configuration.databaseURL, logger: logger)
        // Redis is optional here and every use degrades without it: a short timeout bounds what
        // the first request after Redis hangs waits before the breaker opens.
        redis = configuration.redisURL.map { RedisClient(url: $0, timeout: .milliseconds(500), logger: logger) }
        builder = .init(service: "api", address: configuration.address, database: database, redis: redis, redisUse: .optional, logger: logger)
        blacklist = TokenBlacklist(redis: redis, client: database.client, logger: logger)
        signer = await TokenSigner(secret: configuration.jwtSecret)
        http = CurlClient(concurrency: 8)
        aiHTTP = CurlClient(concurrency: 16)
        statuses = CertificateStatusCache(redis: redis, client: database.client, logger: logger)
    }

    public func makeRouter() -> Router<APIRequestContext> {
        let logger = builder.logger
        let database = self.database
        let client = database.client
        let users = UserRepository(client: client, logger: logger)
        let sessions = SessionRepository(client: client, logger: logger)
        let mfa = MFARepository(client: client, logger: logger)
        let activity = ActivityLogger(client: client, logger: logger)
        let hasher = PasswordHasher()
        let production = configuration.environment == .production
        let queues = redis.map(NotificationQueues.init)
        // The auth limits guard passwords, the others real emails and certificates: while Redis
        // cannot count, this replica counts alone.
        let localLimits = LocalRateLimiter()
        let limiter = RateLimiter(
            redis: redis, limit: configuration.authRateLimit, windowSeconds: configuration.authRateLimitWindowSeconds, logger: logger,
            fallback: localLimits)
        let ceiling = RateLimiter(
            redis: redis, limit: configuration.authRateLimitPerIP, windowSeconds: configuration.authRateLimitWindowSeconds, logger: logger,
            fallback: localLimits)
        let auth = AuthService(
            users: users, sessions: sessions, mfa: mfa, signer: signer, blacklist: blacklist, hasher: hasher, activity: activity,
            emails: queues, throttle: AuthThrottle(limiter: limiter),
            licences: LicenceStatusCache(clients: ClientRepository(client: client, logger: logger)), secret: configuration.jwtSecret,
            publicURL: configuration.publicURL, logger: logger)
        let clients = ClientRepository(client: client, logger: logger)
        let licenseTypes = LicenseTypeRepository(client: client, logger: logger)
        let cache = FleetCache(redis: redis, prefix: configuration.cacheKeyPrefix, logger: logger)

        return builder.router { router in
            // Outermost, so error responses and /health get them too.
            router.add(middleware: SecurityHeadersMiddleware(production: production))
            router.add(middleware: CORSAllowListMiddleware(allowed: configuration.corsAllowedOrigins, allowLocalOrigins: !production && configuration.corsAllowedOrigins.isEmpty))
        } routes: { router in
            router.add(middleware: ClientAddressMiddleware(trustProxyHeaders: configuration.trustProxyHeaders))
            OpenAPIDocument(path: configuration.openAPIPath).addRoute(to: router)
            StatusController(database: database, logger: logger).addRoutes(to: router)
            ExternalStatusController(
                uptimeRobot: configuration.uptimeRobotAPIKey.map {
                    UptimeRobotClient(apiKey: $0, baseURL: configuration.uptimeRobotAPIURL, timeout: .seconds(configuration.uptimeRobotTimeoutSeconds), http: http)
                }, cache: cache
            ).addRoutes(to: router)
            // Agent builds and metadata files, for requests no route answers.
            router.add(middleware: FileMiddleware(
                configuration.agentDownloadsDirectory, urlBasePath: "/downloads", logger: logger))
            PublicContactController(
                turnstile: configuration.turnstileSecret.map { TurnstileVerifier(secret: $0, url: configuration.turnstileVerifyURL, http: http) },
                contactEmail: configuration.contactEmail, production: production, queues: queues,
                limiter: RateLimiter(redis: redis, limit: 5, windowSeconds: 60, logger: logger, fallback: localLimits), activity: activity
            ).addRoutes(to: router)
            LandingStatsController(client: client, cache: cache, logger: logger).addRoutes(to: router)

            let authController = AuthController(auth: auth, limiter: limiter, ceiling: ceiling, signer: signer, secureCookies: production)
            authController.addRoutes(to: router.group("auth"))
            // The same routes where the browser sends the refresh cookie (path /api/auth).
            authController.addRoutes(to: router.group("api/auth"))

            let api = router.group("api").add(middleware: AuthMiddleware(signer: signer, blacklist: blacklist, users: users))
            // Routes that check a password or a code are limited per user like the public auth
            // routes, so a stolen access token cannot be used to guess them.
            let passwordChecks = RateLimitMiddleware(limiter: limiter, scope: "password-check", key: .user)
            AccountController(auth: auth, secureCookies: production, passwordChecks: passwordChecks).addRoutes(to: api)

            let gated = api.group().add(middleware: PasswordChangeGate())
            MFAController(service: MFAService(users: users, mfa: mfa, hasher: hasher, activity: activity, auth: auth), passwordChecks: passwordChecks)
                .addRoutes(to: gated.group("users/mfa"))

            let tenant = gated.group().add(middleware: TenantMiddleware())
            UsersController(service: UserService(
                users: users, sessions: sessions, hasher: hasher, activity: activity, auth: auth, publicURL: configuration.publicURL)
            ).addRoutes(to: tenant.group("users"))

            let clientSettings = ClientSettingsReader(client: client, cache: cache, logger: logger)
            let gate = LicenceGate(settings: clientSettings)
            NotificationsController(service: ChannelService(
                channels: ChannelRepository(client: client, logger: logger), queues: queues, activity: activity, gate: gate,
                allowPrivateTargets: !production, publicURL: configuration.publicURL),
                testLimiter: RateLimiter(
                    redis: redis, limit: NotificationsController.testsPerMinute, windowSeconds: 60, logger: logger, fallback: localLimits)
            ).addRoutes(to: tenant.group("notifications"))

            let caClient = CAClient(baseURL: configuration.caServiceURL, token: configuration.caServiceToken, http: http)
            let certificatesController = CertificatesController(
                certificates: CertificateRepository(client: client, logger: logger), ca: caClient, activity: activity,
                statuses: statuses)
            let revoker = certificatesController.revoker
            certificatesController.addPublicRoutes(to: router)
            let catalog = AgentCatalogController(client: client, activity: activity, cache: cache, logger: logger)
            catalog.addPublicRoutes(to: router)
            certificatesController.addMachineRoutes(to: tenant.group("machines"))
            let machineRepository = MachineRepository(client: client, logger: logger)
            MachineHistoryController(history: MachineHistoryRepository(client: client, logger: logger), machines: machineRepository)
                .addRoutes(to: tenant.group("machines"))
            MachineEventsController(events: MachineEventRepository(client: client, logger: logger), machines: machineRepository)
                .addRoutes(to: tenant.group("machines"))
            RiskOverridesController(overrides: RiskOverrideRepository(client: client, logger: logger), machines: machineRepository, activity: activity)
                .addRoutes(to: tenant.group("machines"))
            SettingsController(
                client: client, clients: clientSettings, cache: cache, dailySummary: DailySummarySettingsStore(client: client, logger: logger),
                activity: activity, logger: logger
            ).addRoutes(to: tenant)
            DailySummaryController(summaries: DailySummaryStore(client: client, logger: logger)).addRoutes(to: tenant.group("reports"))
            AutomationController(
                routines: AIRoutineRepository(client: client, logger: logger), triggers: AITriggerRepository(client: client, logger: logger), gate: gate,
                client: client, activity: activity, logger: logger
            ).addRoutes(to: tenant.group("ai"))
            AIConfigController(configs: AIConfigRepository(client: client, logger: logger), gate: gate, activity: activity)
                .addRoutes(to: tenant.group("ai-config"))
            AIAnalysesController(analyses: AIAnalysisRepository(client: client, logger: logger)).addRoutes(to: tenant.group("ai/analyses"))
            AIProxyController(baseURL: configuration.aiServiceURL, token: configuration.internalServiceToken, http: aiHTTP)
                .addRoutes(tenant: tenant, gated: gated)
            let windowsBuilds = WindowsBuildsController(
                builds: WindowsBuildRepository(client: client, logger: logger), http: http, feedURLs: configuration.windowsBuildFeeds, cache: cache,
                activity: activity)
            windowsBuilds.addRoutes(to: tenant)
            CollectionSettingsController(store: CollectionSettingsStore(client: client, logger: logger), activity: activity)
                .addRoutes(to: tenant.group("collection-settings"))
            GroupsController(groups: GroupRepository(client: client, logger: logger), writes: MachineSetWrites(activity: activity, cache: cache))
                .addRoutes(groups: tenant.group("groups"), machines: tenant.group("machines"))
            LabelsController(labels: LabelRepository(client: client, logger: logger), activity: activity, cache: cache)
                .addRoutes(labels: tenant.group("labels"), machines: tenant.group("machines"))
            let machineQueries = MachineQueries(client: client, logger: logger)
            MachineListController(queries: machineQueries, machines: machineRepository, cache: cache, gate: gate).addRoutes(to: tenant.group("machines"))
            SitesController(
                sites: SiteStore(client: client, logger: logger), queries: machineQueries, gate: gate, writes: MachineSetWrites(activity: activity, cache: cache))
                .addRoutes(sites: tenant.group("sites"), machines: tenant.group("machines"))
            let apm = APMStore(client: client, logger: logger)
            let apmTraces = APMTraceStore(client: client, logger: logger)
            APMController(store: apm, traces: apmTraces, gate: gate, activity: activity).addRoutes(to: tenant.group("apm/applications"))
            OTLPController(
                store: apm, traces: apmTraces, gate: gate,
                limiter: RateLimiter(redis: redis, limit: configuration.apmIngestRequestsPerMinute, windowSeconds: 60, logger: logger, fallback: localLimits)
            ).addRoutes(to: router)
            MachineExport(queries: machineQueries, gate: gate).addRoutes(to: tenant.group("export"))
            ExecutiveReportsController(builder: ExecutiveReportBuilder(store: ExecutiveReportStore(client: client, logger: logger)), gate: gate)
                .addRoutes(to: tenant.group("reports"))
            OverviewController(client: client, logger: logger).addRoutes(to: tenant)
            MachinesController(
                machines: machineRepository, settings: CollectionSettingsRepository(client: client, logger: logger), activity: activity, cache: cache,
                revoker: revoker
            ).addRoutes(to: tenant.group("machines"))
            let installTokens = InstallTokenRepository(client: client, logger: logger)
            let issuer = InstallTokenIssuer(tokens: installTokens, activity: activity)
            InstallTokensController(tokens: installTokens, issuer: issuer, activity: activity, publicURL: configuration.publicURL)
                .addRoutes(to: tenant.group("install-tokens"))
            let installers = InstallerController(issuer: issuer, ca: caClient, publicURL: configuration.publicURL)
            installers.addPublicRoutes(to: router)
            installers.addRoutes(to: tenant.group("installer"))
            let enrolments = EnrolmentRepository(client: client, logger: logger)
            BootstrapController(
                machines: enrolments, ca: caClient, activity: activity,
                notice: ReenrolmentNotice(queues: queues, machines: enrolments, activity: activity, logger: logger),
                limiter: RateLimiter(redis: redis, limit: 30, windowSeconds: 900, logger: logger, fallback: localLimits), cache: cache,
                agentAPIURL: configuration.agentPublicURL
            ).addRoutes(to: router)

            AlertRulesController(rules: AlertRuleRepository(client: client, logger: logger), activity: activity)
                .addRoutes(to: tenant.group("alert-rules"))
            SmartAlertRulesController(rules: SmartAlertRuleStore(client: client, logger: logger), gate: gate, activity: activity)
                .addRoutes(to: tenant.group("alerts/rules"))

            let admin = gated.group("admin").add(middleware: SuperAdminMiddleware())
            AdminController(
                service: ClientAdminService(
                    clients: clients, licenseTypes: licenseTypes, users: users, hasher: hasher, signer: signer, activity: activity,
                    auth: auth, publicURL: configuration.publicURL, cache: cache),
                licenseTypes: licenseTypes, activityLog: ActivityRepository(client: client, logger: logger), activity: activity
            ).addRoutes(to: admin)
            certificatesController.addAdminRoutes(to: admin)
            catalog.addAdminRoutes(to: admin)
            windowsBuilds.addAdminRoutes(to: admin)
            AgentVersionsController(
                versions: AgentVersionRepository(client: client, logger: logger), downloads: AgentDownloads(root: configuration.agentDownloadsDirectory),
                publicURL: configuration.publicURL, cache: cache, activity: activity
            ).addRoutes(to: admin)
            AdminFleetController(stats: PlatformStatsRepository(client: client, logger: logger), cache: cache, activity: activity).addRoutes(to: admin)
            DockerController(
                engine: configuration.dockerSocket.map { DockerEngine(socketPath: $0, apiVersion: configuration.dockerAPIVersion, http: http) },
                activity: activity
            ).addRoutes(to: admin)
        }
    }

    /// The routes of the agents' mTLS port.
    public func makeAgentRouter() -> Router<AgentRequestContext> {
        let (client, logger) = (database.client, builder.logger)
        let activity = ActivityLogger(client: client, logger: logger)
        let catalog = AgentCatalogController(
            client: client, activity: activity, cache: FleetCache(redis: redis, prefix: configuration.cacheKeyPrefix, logger: logger), logger: logger)
        return AgentGateway.router(controller: AgentController(
            statuses: statuses,
            licences: LicenceStatusCache(clients: ClientRepository(client: client, logger: logger)),
            ca: CAClient(baseURL: configuration.caServiceURL, token: configuration.caServiceToken, http: http),
            certificates: CertificateRepository(client: client, logger: logger),
            heartbeats: HeartbeatService(
                client: client, catalog: catalog, requirements: RequirementsCache { try await catalog.requirements() },
                reconnectWindow: ReconnectWindow(rate: configuration.agentReconnectRate, client: client, logger: logger), queues: redis.map(NotificationQueues.init),
                activity: activity, publicURL: configuration.publicURL, logger: logger),
            settings: CollectionSettingsRepository(client: client, logger: logger),
            catalog: catalog,
            committer: CollectCommitter(writer: CollectWriter(client: client, logger: logger), logger: logger),
            apm: APMStore(client: client, logger: logger),
            logger: logger), database: database)
    }

    public func makeApplication() throws -> some ApplicationProtocol {
        let (database, configuration, logger) = (database, configuration, builder.logger)
        var workers: [any Service] = [blacklist, CurlService(client: http), CurlService(client: aiHTTP)]
        if let files = configuration.agentTLS {
            workers.append(try AgentGateway.application(
                files: files, address: ListenAddress(host: configuration.address.host, port: configuration.agentTLSPort), router: makeAgentRouter(),
                gate: HandshakeGate(limit: configuration.agentHandshakeLimit), logger: logger))
        } else {
            logger.notice("agent mTLS port disabled: set AGENT_TLS_CERT_FILE, AGENT_TLS_KEY_FILE and AGENT_TLS_CA_FILE")
        }
        return builder.application(router: makeRouter(), workers: workers) {
            try await SchemaMigrator.migrate(database, directory: configuration.migrationsDirectory, logger: logger)
            try await InitialAdmin.ensure(configuration.initialAdmin, database: database, logger: logger)
        }
    }
}
