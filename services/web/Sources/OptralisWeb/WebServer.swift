import Hummingbird
import Logging
import OptralisCurl
import OptralisRedis
import OptralisServer

/// The web service's composition root: sessions in Redis, the api as the only data source,
/// templates and static files from `OPTRALIS_WEB_DIR`.
public struct WebServer: Sendable {
    public let configuration: WebConfiguration
    let redis: RedisClient
    let http: CurlClient
    let builder: ServiceApplicationBuilder<WebRequestContext>

    public init(configuration: WebConfiguration, logger: Logger) {
        self.configuration = configuration
        redis = RedisClient(url: configuration.redisURL, timeout: .milliseconds(500), logger: logger)
        http = CurlClient(concurrency: 16)
        builder = .init(service: "web", address: configuration.address, database: nil, redis: redis, redisUse: .required, logger: logger)
    }

    public func makeRouter() async throws -> Router<WebRequestContext> {
        let logger = builder.logger
        let assets = try StaticAssets(directory: configuration.resourcesDirectory + "/public")
        let renderer = try await PageRenderer(resources: configuration.resourcesDirectory, assets: assets)
        let sessions = SessionStore(redis: redis)
        let api = APIClient(baseURL: configuration.apiURL, http: http, sessions: sessions, logger: logger)
        let production = configuration.environment == .production
        return builder.router { router in
            router.add(middleware: PageSecurityHeaders(production: production))
        } routes: { router in
            assets.addRoutes(to: router)
            router.add(middleware: ClientAddressMiddleware(trustProxyHeaders: configuration.trustProxyHeaders))
            router.add(middleware: SessionMiddleware(store: sessions))
            StatusPageController(api: api, renderer: renderer).addRoutes(to: router)
            LoginController(api: api, sessions: sessions, renderer: renderer, production: production).addRoutes(to: router)
            let passwords = PasswordController(api: api, sessions: sessions, renderer: renderer, production: production)
            passwords.addPublicRoutes(to: router)
            let signedIn = router.group().add(middleware: RequireSession())
            DashboardController(api: api, renderer: renderer).addRoutes(to: signedIn)
            passwords.addRoutes(to: signedIn)
            MachineController(api: api, renderer: renderer).addRoutes(to: signedIn)
            MachineActionsController(api: api, renderer: renderer).addRoutes(to: signedIn)
            MachineSecurityController(api: api, renderer: renderer).addRoutes(to: signedIn)
            AlertsController(api: api, renderer: renderer).addRoutes(to: signedIn)
            SmartAlertsController(api: api, renderer: renderer).addRoutes(to: signedIn)
            ExecutiveReportsController(api: api, renderer: renderer).addRoutes(to: signedIn)
            NotificationsController(api: api, renderer: renderer).addRoutes(to: signedIn)
            UsersController(api: api, renderer: renderer).addRoutes(to: signedIn)
            MachineSetsController(api: api, renderer: renderer).addRoutes(to: signedIn)
            MachineBatchController(api: api, renderer: renderer).addRoutes(to: signedIn)
            SitesController(api: api, renderer: renderer).addRoutes(to: signedIn)
            DatabasesController(api: api, renderer: renderer).addRoutes(to: signedIn)
            APMController(api: api, renderer: renderer).addRoutes(to: signedIn)
            AIOverviewController(api: api, renderer: renderer).addRoutes(to: signedIn)
            AIReportsController(api: api, renderer: renderer).addRoutes(to: signedIn)
            AIAutomationController(api: api, renderer: renderer).addRoutes(to: signedIn)
            AISettingsController(api: api, renderer: renderer).addRoutes(to: signedIn)
            let admin = signedIn.group().add(middleware: RequirePlatformRole())
            AdminDashboardController(api: api, renderer: renderer).addRoutes(to: admin)
            AdminClientsController(api: api, renderer: renderer).addRoutes(to: admin)
            AdminLicenceTypesController(api: api, renderer: renderer).addRoutes(to: admin)
            AdminAgentVersionsController(api: api, renderer: renderer).addRoutes(to: admin)
            AdminSystemsController(api: api, renderer: renderer).addRoutes(to: admin)
            AdminCertificatesController(api: api, renderer: renderer).addRoutes(to: admin)
            AdminActivityController(api: api, renderer: renderer).addRoutes(to: admin)
            AdminMachinesController(api: api, renderer: renderer).addRoutes(to: admin)
            SecurityController(api: api, renderer: renderer).addRoutes(to: signedIn)
            InstallController(api: api, renderer: renderer).addRoutes(to: signedIn)
            SettingsController(api: api, renderer: renderer).addRoutes(to: signedIn)
            CollectionSettingsController(api: api, renderer: renderer).addRoutes(to: signedIn)
        }
    }

    public func makeApplication() async throws -> some ApplicationProtocol {
        builder.application(router: try await makeRouter(), workers: [CurlService(client: http)])
    }
}
