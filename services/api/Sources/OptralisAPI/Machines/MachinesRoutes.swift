import Hummingbird
import OptralisServer

extension APIDependencies {
    /// The fleet: list, detail, history, events, risk overrides, export, overview and deletion.
    func addMachinesRoutes(to groups: RouteGroups) {
        let group = groups.tenant.group("machines")
        MachineHistoryController(history: MachineHistoryStore(database: postgres, logger: logger), machines: machines).addRoutes(to: group)
        MachineEventsController(events: MachineEventStore(database: postgres, logger: logger), machines: machines).addRoutes(to: group)
        RiskOverridesController(overrides: RiskOverrideStore(database: postgres, logger: logger), machines: machines, activity: activity)
            .addRoutes(to: group)
        MachineListController(queries: machineQueries, machines: machines, cache: cache, gate: gate).addRoutes(to: group)
        MachineExport(queries: machineQueries, gate: gate).addRoutes(to: groups.tenant.group("export"))
        OverviewController(store: OverviewStore(database: postgres, logger: logger)).addRoutes(to: groups.tenant)
        MachinesController(
            machines: machines, settings: CollectionSettingsStore(database: postgres, logger: logger), activity: activity, cache: cache,
            revoker: revoker
        ).addRoutes(to: group)
    }
}
