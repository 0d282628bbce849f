import Hummingbird
import OptralisServer

extension APIDependencies {
    /// The landing page's contact form and statistics.
    func addPublicRoutes(to groups: RouteGroups) {
        PublicContactController(
            turnstile: configuration.turnstileSecret.map { TurnstileVerifier(secret: $0, url: configuration.turnstileVerifyURL, http: http) },
            contactEmail: configuration.contactEmail, production: production, queues: queues, limiter: limiter(5, perSeconds: 60), activity: activity
        ).addRoutes(to: groups.router)
        LandingStatsController(store: LandingStatsStore(database: postgres, logger: logger), cache: cache).addRoutes(to: groups.router)
    }
}
