import Hummingbird
import OptralisServer

extension APIDependencies {
    /// `/health`, `/metrics`'s neighbours, the OpenAPI document and the external status page.
    func addStatusRoutes(to groups: RouteGroups) {
        OpenAPIDocument(path: configuration.openAPIPath).addRoute(to: groups.router)
        StatusController(database: database, logger: logger).addRoutes(to: groups.router)
        ExternalStatusController(
            uptimeRobot: configuration.uptimeRobotAPIKey.map {
                UptimeRobotClient(apiKey: $0, baseURL: configuration.uptimeRobotAPIURL, timeout: .seconds(configuration.uptimeRobotTimeoutSeconds), http: http)
            }, cache: cache
        ).addRoutes(to: groups.router)
    }
}
