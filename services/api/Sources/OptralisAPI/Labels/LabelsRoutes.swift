import Hummingbird
import OptralisServer

extension APIDependencies {
    func addLabelsRoutes(to groups: RouteGroups) {
        LabelsController(labels: LabelStore(database: postgres, logger: logger), activity: activity, cache: cache)
            .addRoutes(labels: groups.tenant.group("labels"), machines: groups.tenant.group("machines"))
    }
}
