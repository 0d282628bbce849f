import Hummingbird
import OptralisServer

extension APIDependencies {
    /// The super_admin's clients, licences, activity log, fleet statistics and Docker console.
    func addAdminRoutes(to groups: RouteGroups) {
        let licenseTypes = LicenseTypeStore(database: postgres, logger: logger)
        AdminController(
            service: ClientAdminService(
                clients: clients, licenseTypes: licenseTypes, users: users, hasher: hasher, signer: signer, activity: activity,
                auth: auth, publicURL: configuration.publicURL, cache: cache),
            licenseTypes: licenseTypes, activityLog: ActivityStore(database: postgres, logger: logger), activity: activity
        ).addRoutes(to: groups.admin)
        AdminFleetController(stats: PlatformStatsStore(database: postgres, logger: logger), cache: cache, activity: activity).addRoutes(to: groups.admin)
        DockerController(
            engine: configuration.dockerSocket.map { DockerEngine(socketPath: $0, apiVersion: configuration.dockerAPIVersion, http: http) },
            activity: activity
        ).addRoutes(to: groups.admin)
    }
}
