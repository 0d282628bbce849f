import Hummingbird
import OptralisServer

extension APIDependencies {
    /// Threshold rules (`/api/alert-rules`) and smart rules (`/api/alerts/rules`, Essentials+).
    func addAlertRulesRoutes(to groups: RouteGroups) {
        AlertRulesController(rules: AlertRuleRepository(client: postgres, logger: logger), activity: activity)
            .addRoutes(to: groups.tenant.group("alert-rules"))
        SmartAlertRulesController(rules: SmartAlertRuleStore(client: postgres, logger: logger), gate: gate, activity: activity)
            .addRoutes(to: groups.tenant.group("alerts/rules"))
    }
}
