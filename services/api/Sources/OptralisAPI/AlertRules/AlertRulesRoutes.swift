import Hummingbird
import OptralisServer

extension APIDependencies {
    /// Threshold rules (`/api/alert-rules`) and smart rules (`/api/alerts/rules`, Essentials+).
    func addAlertRulesRoutes(to groups: RouteGroups) {
        AlertRulesController(rules: AlertRuleStore(database: postgres, logger: logger), activity: activity)
            .addRoutes(to: groups.tenant.group("alert-rules"))
        SmartAlertRulesController(rules: SmartAlertRuleStore(database: postgres, logger: logger), gate: gate, activity: activity)
            .addRoutes(to: groups.tenant.group("alerts/rules"))
    }
}
