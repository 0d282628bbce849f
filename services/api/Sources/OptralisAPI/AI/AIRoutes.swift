import Hummingbird
import OptralisServer

extension APIDependencies {
    /// Automation (routines and triggers), AI settings, stored analyses, and the proxy to the ai service.
    func addAIRoutes(to groups: RouteGroups) {
        AutomationController(
            routines: AIRoutineStore(database: postgres, logger: logger), triggers: AITriggerStore(database: postgres, logger: logger), gate: gate,
            activity: activity
        ).addRoutes(to: groups.tenant.group("ai"))
        AIConfigController(configs: AIConfigStore(database: postgres, logger: logger), gate: gate, activity: activity)
            .addRoutes(to: groups.tenant.group("ai-config"))
        AIAnalysesController(analyses: AIAnalysisStore(database: postgres, logger: logger)).addRoutes(to: groups.tenant.group("ai/analyses"))
        AIProxyController(baseURL: configuration.aiServiceURL, token: configuration.internalServiceToken, http: aiHTTP)
            .addRoutes(tenant: groups.tenant, gated: groups.gated)
    }
}
