import Hummingbird
import OptralisServer

extension APIDependencies {
    /// Agent builds: the files under `/downloads`, the latest version and OS requirements, the
    /// super_admin's versions and requirements, and the Windows build feeds.
    func addAgentVersionsRoutes(to groups: RouteGroups) {
        // Agent builds and metadata files, for requests no route answers.
        groups.router.add(middleware: FileMiddleware(configuration.agentDownloadsDirectory, urlBasePath: "/downloads", logger: logger))
        let catalogRoutes = AgentCatalogController(catalog: catalog, activity: activity)
        catalogRoutes.addPublicRoutes(to: groups.router)
        catalogRoutes.addAdminRoutes(to: groups.admin)
        let windowsBuilds = WindowsBuildsController(
            builds: WindowsBuildStore(database: postgres, logger: logger), http: http, feedURLs: configuration.windowsBuildFeeds, cache: cache,
            activity: activity)
        windowsBuilds.addRoutes(to: groups.tenant)
        windowsBuilds.addAdminRoutes(to: groups.admin)
        AgentVersionsController(
            versions: AgentVersionStore(database: postgres, logger: logger), downloads: AgentDownloads(root: configuration.agentDownloadsDirectory),
            publicURL: configuration.publicURL, cache: cache, activity: activity
        ).addRoutes(to: groups.admin)
    }
}
