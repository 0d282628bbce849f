import Hummingbird
import OptralisServer

extension APIDependencies {
    /// The client's own settings.
    func addClientsRoutes(to groups: RouteGroups) {
        SettingsController(
            clients: clientSettings, cache: cache, dailySummary: DailySummarySettingsStore(database: postgres, logger: logger),
            activity: activity
        ).addRoutes(to: groups.tenant)
    }
}
