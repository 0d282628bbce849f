import Hummingbird
import Logging
import OptralisCore
import OptralisPostgres
import OptralisRedis
import ServiceLifecycle

/// Where a service listens: `BIND_ADDRESS` (default 0.0.0.0) and its own port variable.
public struct ListenAddress: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

extension EnvironmentReader {
    public mutating func listenAddress(portVariable: String, defaultPort: Int) -> ListenAddress {
        ListenAddress(host: string("BIND_ADDRESS", default: "0.0.0.0"), port: port(portVariable, default: defaultPort))
    }
}

/// Assembles a service's Hummingbird application the same way for every service: shared
/// middleware, `/health` over its dependencies, `/metrics`, its own routes, the PostgreSQL
/// pool and Redis client in the application's service group (so SIGTERM closes them after
/// the server drains), a bounded database check before the port opens, and no more connections
/// than the process's open files allow (``ConnectionBudget``).
public struct ServiceApplicationBuilder<Context: RequestContext>: Sendable
where Context.Source == ApplicationRequestContextSource {
    public let service: String
    public let address: ListenAddress
    public let database: Database?
    public let redis: RedisClient?
    public let redisUse: RedisUse
    public let logger: Logger

    /// How a service depends on Redis, for `/health`.
    public enum RedisUse: Sendable {
        case none
        /// Shown as `disabled` when no client is configured; down makes the service `degraded`.
        case optional
        /// Down makes the service `down` (503).
        case required
    }

    public init(service: String, address: ListenAddress, database: Database?, redis: RedisClient?, redisUse: RedisUse, logger: Logger) {
        self.service = service
        self.address = address
        self.database = database
        self.redis = redis
        self.redisUse = redisUse
        self.logger = logger
    }

    public var healthChecks: [HealthCheck] {
        var checks: [HealthCheck] = []
        if let database { checks.append(.postgres(database, logger: logger)) }
        switch redisUse {
        case .none: break
        case .optional: checks.append(.redis(redis, required: false))
        case .required: checks.append(.redis(redis, required: true))
        }
        return checks
    }

    /// The router: the service's `outerMiddleware` (it sees every response, errors included),
    /// the shared middleware, `/health`, `/metrics`, ``DependencyOutageMiddleware``, then the
    /// service's own `routes`.
    /// Separate from ``application(router:workers:beforeServerStarts:)`` so tests can list its routes.
    ///
    /// `routes` has no default on purpose: a lone trailing closure must land there. With both
    /// defaulted it landed in `outerMiddleware`, before the shared middleware, and the ai and ca
    /// services' routes went without JSON errors, request ids, request logs and metrics.
    public func router(
        extraHealthChecks: [HealthCheck] = [], outerMiddleware: (Router<Context>) -> Void = { _ in },
        routes: (Router<Context>) -> Void
    ) -> Router<Context> {
        let router = Router(context: Context.self)
        outerMiddleware(router)
        router.addStandardMiddleware()
        router.addStandardRoutes(health: HealthReporter(service: service, checks: healthChecks + extraHealthChecks))
        // After /health and /metrics, which bound their own probes.
        if let database { router.add(middleware: DependencyOutageMiddleware(database: database)) }
        routes(router)
        return router
    }

    /// `beforeServerStarts` runs once the database answers (migrations, for the api), and ends
    /// on a stop; `workers` join the service group (queue consumers, the scheduler's loop).
    public func application(
        router: Router<Context>,
        workers: [any Service] = [],
        beforeServerStarts: @escaping @Sendable () async throws -> Void = {}
    ) -> some ApplicationProtocol {
        var services: [any Service] = []
        if let database { services.append(database.client) }
        if let redis { services.append(RedisService(client: redis)) }
        var application = Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [ConnectionBudget.service.handler(), OldestFirstQuiesce.shared.handler()])),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "optralis-\(service)"),
            services: services + workers,
            logger: logger)
        let database = self.database
        let logger = self.logger
        // A stop meanwhile ends these steps (a statement in flight still runs to its end): without
        // it, an api stopped while PostgreSQL was unreachable kept waiting out its 15 s.
        application.beforeServerStarts {
            try await cancelWhenGracefulShutdown {
                if let database { try await database.waitUntilReachable(logger: logger) }
                try await beforeServerStarts()
            }
        }
        return application
    }
}
