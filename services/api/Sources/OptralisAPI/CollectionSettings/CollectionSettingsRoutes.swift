import Hummingbird
import OptralisServer

extension APIDependencies {
    func addCollectionSettingsRoutes(to groups: RouteGroups) {
        CollectionSettingsController(store: CollectionSettingsStore(database: postgres, logger: logger), activity: activity)
            .addRoutes(to: groups.tenant.group("collection-settings"))
    }
}
