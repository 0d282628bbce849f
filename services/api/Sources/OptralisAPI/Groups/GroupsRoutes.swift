import Hummingbird
import OptralisServer

extension APIDependencies {
    func addGroupsRoutes(to groups: RouteGroups) {
        GroupsController(groups: GroupStore(database: postgres, logger: logger), writes: MachineSetWrites(activity: activity, cache: cache))
            .addRoutes(groups: groups.tenant.group("groups"), machines: groups.tenant.group("machines"))
    }
}
