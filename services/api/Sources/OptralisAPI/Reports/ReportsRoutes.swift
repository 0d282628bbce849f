import Hummingbird
import OptralisReports
import OptralisServer

extension APIDependencies {
    func addReportsRoutes(to groups: RouteGroups) {
        DailySummaryController(summaries: DailySummaryStore(client: postgres, logger: logger)).addRoutes(to: groups.tenant.group("reports"))
        ExecutiveReportsController(builder: ExecutiveReportBuilder(store: ExecutiveReportStore(client: postgres, logger: logger)), gate: gate)
            .addRoutes(to: groups.tenant.group("reports"))
    }
}
