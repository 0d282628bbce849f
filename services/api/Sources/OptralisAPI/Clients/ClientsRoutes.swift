import Hummingbird
import OptralisServer

extension APIDependencies {
    /// The client's own settings.
    func addClientsRoutes(to groups: RouteGroups) {
        SettingsController(
            client: postgres, clients: clientSettings, cache: cache, dailySummary: DailySummarySettingsStore(client: postgres, logger: logger),
            activity: activity, logger: logger
        ).addRoutes(to: groups.tenant)
    }
}
