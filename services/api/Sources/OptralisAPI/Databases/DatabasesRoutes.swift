import Hummingbird
import OptralisServer

extension APIDependencies {
    /// Database monitoring (`/api/databases`, Pro and above).
    func addDatabasesRoutes(to groups: RouteGroups) {
        DatabasesController(
            store: DatabaseStore(database: postgres, logger: logger), sealer: configuration.credentialSealer, settings: clientSettings, activity: activity
        ).addRoutes(to: groups.tenant.group("databases"))
    }
}
