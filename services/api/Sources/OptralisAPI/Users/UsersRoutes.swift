import Hummingbird
import OptralisServer

extension APIDependencies {
    func addUsersRoutes(to groups: RouteGroups) {
        UsersController(
            service: UserService(
                users: users, sessions: sessions, hasher: hasher, activity: activity, auth: auth, publicURL: configuration.publicURL)
        ).addRoutes(to: groups.tenant.group("users"))
    }
}
