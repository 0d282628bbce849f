import Hummingbird
import OptralisServer

extension APIDependencies {
    func addSitesRoutes(to groups: RouteGroups) {
        SitesController(
            sites: SiteStore(database: postgres, logger: logger), queries: machineQueries, gate: gate,
            writes: MachineSetWrites(activity: activity, cache: cache)
        ).addRoutes(sites: groups.tenant.group("sites"), machines: groups.tenant.group("machines"))
    }
}
