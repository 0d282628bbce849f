import Hummingbird
import OptralisCore

/// The catalog's routes: the latest agent version (`GET /api/public/latest-version`), the
/// supported OS builds (`GET /agent/requirements`, public: an installer has no certificate yet),
/// and the super_admin's edit of those requirements (`/api/admin/agent-requirements`).
struct AgentCatalogController {
    let catalog: AgentCatalog
    let activity: ActivityLogger

    func addPublicRoutes(to router: Router<APIRequestContext>) {
        router.get("/api/public/latest-version") { request, _ in try await catalog.latestVersion(request.uri.queryParameters) }
        router.get("/agent/requirements") { _, _ in try await catalog.requirements() }
    }

    func addAdminRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("agent-requirements") { _, _ in try await catalog.requirements() }
        group.put("agent-requirements") { request, context -> AgentCatalog.Requirements in
            let body = try await request.decode(as: AgentCatalog.Requirements.self, context: context)
            try Validation.integer(body.windowsClientMinBuild, field: "windows_client_min_build", in: 0...Validation.maximumInteger)
            try Validation.integer(body.windowsServerMinBuild, field: "windows_server_min_build", in: 0...Validation.maximumInteger)
            let identity = try context.requireIdentity()
            try await catalog.store.update(body, by: identity.userID)
            await activity.record(.system, "Prérequis OS modifiés", userID: identity.userID, ip: context.clientIP)
            return try await catalog.requirements()
        }
    }
}
