import Hummingbird
import ServiceLifecycle
import Logging
import OptralisCore
import OptralisCurl
import OptralisPostgres
import OptralisRedis
import OptralisReports
import OptralisServer

/// The api's composition root: database, Redis, migrations before either port opens, and every
/// route with its middleware.
public struct APIServer: Sendable {
    public let configuration: APIConfiguration
    let dependencies: APIDependencies
    let builder: ServiceApplicationBuilder<APIRequestContext>

    public init(configuration: APIConfiguration, logger: Logger) async {
        self.configuration = configuration
        let database = Database(url: configuration.databaseURL, eventLoopGroup: APIDependencies.databaseLoop, logger: logger)
        // Redis is optional here and every use degrades without it: a short timeout bounds what
        // the first request after Redis hangs waits before the breaker opens.
        let redis = configuration.redisURL.map { RedisClient(url: $0, timeout: .milliseconds(500), logger: logger) }
        builder = .init(service: "api", address: configuration.address, database: database, redis: redis, redisUse: .optional, logger: logger)
        dependencies = await APIDependencies(configuration: configuration, database: database, redis: redis, logger: builder.logger)
    }

    public func makeRouter() -> Router<APIRequestContext> {
        let dependencies = self.dependencies
        return builder.router { router in
            // Outermost, so error responses and /health get them too.
            router.add(middleware: SecurityHeadersMiddleware(production: dependencies.production))
            router.add(
                middleware: CORSAllowListMiddleware(
                    allowed: configuration.corsAllowedOrigins, allowLocalOrigins: !dependencies.production && configuration.corsAllowedOrigins.isEmpty))
        } routes: { router in
            router.add(middleware: ClientAddressMiddleware(trustProxyHeaders: configuration.trustProxyHeaders))
            let groups = RouteGroups(
                router: router, dependencies: dependencies,
                passwordChecks: RateLimitMiddleware(limiter: dependencies.authLimits.user, scope: "password-check", key: .user))
            dependencies.addStatusRoutes(to: groups)
            dependencies.addAgentVersionsRoutes(to: groups)
            dependencies.addPublicRoutes(to: groups)
            dependencies.addAuthRoutes(to: groups)
            dependencies.addUsersRoutes(to: groups)
            dependencies.addClientsRoutes(to: groups)
            dependencies.addNotificationsRoutes(to: groups)
            dependencies.addCertificatesRoutes(to: groups)
            dependencies.addMachinesRoutes(to: groups)
            dependencies.addCollectionSettingsRoutes(to: groups)
            dependencies.addGroupsRoutes(to: groups)
            dependencies.addLabelsRoutes(to: groups)
            dependencies.addSitesRoutes(to: groups)
            dependencies.addDatabasesRoutes(to: groups)
            dependencies.addAPMRoutes(to: groups)
            dependencies.addReportsRoutes(to: groups)
            dependencies.addAIRoutes(to: groups)
            dependencies.addInstallerRoutes(to: groups)
            dependencies.addAlertRulesRoutes(to: groups)
            dependencies.addAdminRoutes(to: groups)
        }
    }

    /// The routes of the agents' mTLS port.
    public func makeAgentRouter() -> Router<AgentRequestContext> {
        AgentGateway.router(controller: dependencies.agentController(), database: dependencies.database)
    }

    public func makeApplication() throws -> some ApplicationProtocol {
        let (database, configuration, logger) = (dependencies.database, configuration, builder.logger)
        let started = StartSignal()
        var workers: [any Service] = [
            dependencies.blacklist, dependencies.collectPostgres, dependencies.beatPostgres, CurlService(client: dependencies.http),
            CurlService(client: dependencies.aiHTTP),
        ]
        if let files = configuration.agentTLS {
            workers.append(
                try AgentGateway.application(
                    files: files, address: ListenAddress(host: configuration.address.host, port: configuration.agentTLSPort), router: makeAgentRouter(),
                    gate: HandshakeGate(
                        limit: configuration.agentHandshakeLimit, wait: .seconds(Int64(configuration.agentHandshakeWaitSeconds))),
                    started: started, logger: logger))
        } else {
            logger.notice("agent mTLS port disabled: set AGENT_TLS_CERT_FILE, AGENT_TLS_KEY_FILE and AGENT_TLS_CA_FILE")
        }
        return builder.application(router: makeRouter(), workers: workers) {
            try await SchemaMigrator.migrate(database, directory: configuration.migrationsDirectory, logger: logger)
            try await InitialAdmin.ensure(configuration.initialAdmin, database: database, logger: logger)
            started.open()
        }
    }
}
