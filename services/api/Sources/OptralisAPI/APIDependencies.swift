import Hummingbird
import Logging
import NIOPosix
import OptralisCore
import OptralisCurl
import OptralisPostgres
import OptralisRedis
import OptralisServer
import PostgresNIO

/// What the api's features share, built once per process (``APIServer``): the connections,
/// the caches every replica keeps, the outbound clients and the services several features
/// call. Each feature's `add…Routes` (in its folder) builds its own controllers from it.
struct APIDependencies: Sendable {
    let configuration: APIConfiguration
    let logger: Logger
    let database: Database
    var postgres: PostgresClient { database.client }
    /// The agents' two group commits each have a pool of two connections whose sessions keep
    /// prepared statements to generic plans that reach tables by key
    /// (``keyedPool(maximum:configuration:logger:)``), one batch written at a time. Sharing one
    /// pool, a collect batch waited behind a reconnecting fleet's heartbeats for a connection
    /// (writes of 5 s after a restart).
    let collectPostgres: PostgresClient
    /// The heartbeats' statement (``BeatCommitter``), whose generic plan on an empty `machines`
    /// scanned it whole.
    let beatPostgres: PostgresClient
    /// Optional: every use degrades without it.
    let redis: RedisClient?
    let queues: NotificationQueues?
    /// Outbound calls to the ca, Turnstile, UptimeRobot, Docker and the Windows build feeds.
    let http: CurlClient
    /// The AI proxy's own threads: analyses take up to two minutes each, and a client running
    /// many of them must not leave enrolment or revocation (the ca) waiting for a thread.
    let aiHTTP: CurlClient
    let signer: TokenSigner
    let blacklist: TokenBlacklist
    /// One per replica: the admin routes' revocations drop what the agents' port remembers.
    let statuses: CertificateStatusCache
    let cache: FleetCache
    let activity: ActivityLogger
    /// While Redis cannot count, this replica counts alone.
    let localLimits: LocalRateLimiter
    let hasher = PasswordHasher()
    let users: UserStore
    let sessions: SessionStore
    let mfa: MFAStore
    /// The auth routes' limits: per account, and a ceiling per address.
    let authLimits: (user: RateLimiter, address: RateLimiter)
    let auth: AuthService
    let clients: ClientStore
    let licences: LicenceStatusCache
    let clientSettings: ClientSettingsStore
    let gate: LicenceGate
    let ca: CAClient
    let revoker: CertificateRevoker
    let published: PublishedCRL
    let catalog: AgentCatalog
    let machines: MachineStore
    let machineQueries: MachineListStore
    var production: Bool { configuration.environment == .production }

    /// The thread every PostgreSQL connection of the api does its I/O on, apart from NIO's shared
    /// group where both ports' connections run their TLS and HTTP. While a restarted gateway takes
    /// its fleet back, each pass of those event loops does hundreds of handshakes, and a query whose
    /// answer waited for the next pass held its pooled connection that much longer (heartbeats'
    /// waits in storms: docs/ingestion.md, "Fifth pass").
    static let databaseLoop: any EventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    init(configuration: APIConfiguration, database: Database, redis: RedisClient?, logger: Logger) async {
        (self.configuration, self.database, self.redis, self.logger) = (configuration, database, redis, logger)
        let postgres = database.client
        collectPostgres = Self.keyedPool(maximum: 2, configuration: configuration, logger: logger)
        beatPostgres = Self.keyedPool(maximum: 2, configuration: configuration, logger: logger)
        queues = redis.map(NotificationQueues.init)
        http = CurlClient(concurrency: 8)
        aiHTTP = CurlClient(concurrency: 16)
        signer = await TokenSigner(secret: configuration.jwtSecret)
        blacklist = TokenBlacklist(redis: redis, database: postgres, logger: logger)
        statuses = CertificateStatusCache(redis: redis, database: postgres, logger: logger)
        cache = FleetCache(redis: redis, prefix: configuration.cacheKeyPrefix, logger: logger)
        activity = ActivityLogger(database: postgres, logger: logger)
        localLimits = LocalRateLimiter()
        users = UserStore(database: postgres, logger: logger)
        sessions = SessionStore(database: postgres, logger: logger)
        mfa = MFAStore(database: postgres, logger: logger)
        clients = ClientStore(database: postgres, logger: logger)
        licences = LicenceStatusCache(clients: clients)
        // The auth limits guard passwords, the others real emails and certificates.
        authLimits = (
            RateLimiter(
                redis: redis, limit: configuration.authRateLimit, windowSeconds: configuration.authRateLimitWindowSeconds, logger: logger,
                fallback: localLimits),
            RateLimiter(
                redis: redis, limit: configuration.authRateLimitPerIP, windowSeconds: configuration.authRateLimitWindowSeconds, logger: logger,
                fallback: localLimits)
        )
        auth = AuthService(
            users: users, sessions: sessions, mfa: mfa, signer: signer, blacklist: blacklist, hasher: hasher, activity: activity,
            emails: queues, throttle: AuthThrottle(limiter: authLimits.user), licences: licences, secret: configuration.jwtSecret,
            publicURL: configuration.publicURL, logger: logger)
        clientSettings = ClientSettingsStore(database: postgres, cache: cache, logger: logger)
        gate = LicenceGate(settings: clientSettings)
        ca = CAClient(baseURL: configuration.caServiceURL, token: configuration.caServiceToken, http: http)
        published = PublishedCRL(ca: ca)
        revoker = CertificateRevoker(
            certificates: CertificateStore(database: postgres, logger: logger), ca: ca, statuses: statuses, published: published)
        catalog = AgentCatalog(store: AgentCatalogStore(database: postgres, logger: logger), cache: cache)
        machines = MachineStore(database: postgres, logger: logger)
        machineQueries = MachineListStore(database: postgres, logger: logger)
    }

    /// Generic plans without sequential scans or hash and merge joins, on ``databaseLoop``; two
    /// connections kept open (one above the minimum gets an idle timer each time it is released).
    private static func keyedPool(maximum: Int, configuration: APIConfiguration, logger: Logger) -> PostgresClient {
        var options = configuration.databaseURL.clientConfiguration(maximumConnections: maximum, genericPlans: true)
        options.options.minimumConnections = 2
        return PostgresClient(configuration: options, eventLoopGroup: databaseLoop, backgroundLogger: logger)
    }

    /// A limit counted in Redis, or by this replica alone while Redis cannot count.
    func limiter(_ limit: Int, perSeconds window: Int) -> RateLimiter {
        RateLimiter(redis: redis, limit: limit, windowSeconds: window, logger: logger, fallback: localLimits)
    }
}

/// The groups the features add their routes to, from the most open to the most guarded.
struct RouteGroups {
    /// No authentication: public pages and files, the agents' bootstrap, `/health`.
    let router: Router<APIRequestContext>
    /// `/api` for any signed-in user, even one who must still change their password.
    let api: RouterGroup<APIRequestContext>
    /// `/api` once the password is changed (``PasswordChangeGate``).
    let gated: RouterGroup<APIRequestContext>
    /// `/api` for a user of a client (``TenantMiddleware``): the tenant's own rows only.
    let tenant: RouterGroup<APIRequestContext>
    /// `/api/admin`, the super_admin only.
    let admin: RouterGroup<APIRequestContext>
    /// Routes that check a password or a code, limited per user like the public auth routes, so
    /// a stolen access token cannot be used to guess them.
    let passwordChecks: RateLimitMiddleware

    init(router: Router<APIRequestContext>, dependencies: APIDependencies, passwordChecks: RateLimitMiddleware) {
        self.router = router
        api = router.group("api").add(middleware: AuthMiddleware(signer: dependencies.signer, blacklist: dependencies.blacklist, users: dependencies.users))
        gated = api.group().add(middleware: PasswordChangeGate())
        tenant = gated.group().add(middleware: TenantMiddleware())
        admin = gated.group("admin").add(middleware: SuperAdminMiddleware())
        self.passwordChecks = passwordChecks
    }
}
