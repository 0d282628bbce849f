import Hummingbird
import OptralisServer

extension APIDependencies {
    /// APM (`/api/apm/applications`, Pro and above) and the OTLP/HTTP receivers (`/v1/traces`,
    /// `/v1/metrics`, authenticated by an application's ingest key, not a user's token).
    func addAPMRoutes(to groups: RouteGroups) {
        let applications = APMStore(database: postgres, logger: logger)
        let traces = APMTraceStore(database: postgres, logger: logger)
        APMController(store: applications, traces: traces, gate: gate, activity: activity).addRoutes(to: groups.tenant.group("apm/applications"))
        OTLPController(
            store: applications, traces: traces, gate: gate, limiter: limiter(configuration.apmIngestRequestsPerMinute, perSeconds: 60)
        ).addRoutes(to: groups.router)
    }
}
