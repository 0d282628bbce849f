import Hummingbird
import OptralisServer

extension APIDependencies {
    /// Install tokens, the installer scripts, and an agent's enrolment (`/api/public/bootstrap`).
    func addInstallerRoutes(to groups: RouteGroups) {
        let tokens = InstallTokenStore(database: postgres, logger: logger)
        let issuer = InstallTokenIssuer(tokens: tokens, activity: activity)
        InstallTokensController(tokens: tokens, issuer: issuer, activity: activity, publicURL: configuration.publicURL)
            .addRoutes(to: groups.tenant.group("install-tokens"))
        let installers = InstallerController(issuer: issuer, ca: ca, publicURL: configuration.publicURL)
        installers.addPublicRoutes(to: groups.router)
        installers.addRoutes(to: groups.tenant.group("installer"))
        let enrolments = EnrolmentStore(database: postgres, logger: logger)
        BootstrapController(
            machines: enrolments, ca: ca, activity: activity,
            notice: ReenrolmentNotice(queues: queues, machines: enrolments, activity: activity, logger: logger),
            limiter: limiter(30, perSeconds: 900), cache: cache, agentAPIURL: configuration.agentPublicURL
        ).addRoutes(to: groups.router)
    }
}
