import Hummingbird
import OptralisServer

extension APIDependencies {
    /// The super_admin's clients, licences, activity log, fleet statistics and Docker console.
    func addAdminRoutes(to groups: RouteGroups) {
        let licenseTypes = LicenseTypeRepository(client: postgres, logger: logger)
        AdminController(
            service: ClientAdminService(
                clients: clients, licenseTypes: licenseTypes, users: users, hasher: hasher, signer: signer, activity: activity,
                auth: auth, publicURL: configuration.publicURL, cache: cache),
            licenseTypes: licenseTypes, activityLog: ActivityRepository(client: postgres, logger: logger), activity: activity
        ).addRoutes(to: groups.admin)
        AdminFleetController(stats: PlatformStatsRepository(client: postgres, logger: logger), cache: cache, activity: activity).addRoutes(to: groups.admin)
        DockerController(
            engine: configuration.dockerSocket.map { DockerEngine(socketPath: $0, apiVersion: configuration.dockerAPIVersion, http: http) },
            activity: activity
        ).addRoutes(to: groups.admin)
    }
}
