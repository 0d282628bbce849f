import Hummingbird
import OptralisServer

extension APIDependencies {
    /// Login, refresh, logout, password reset (`/auth` and `/api/auth`, where the browser sends
    /// the refresh cookie), the signed-in user's account and second factor.
    func addAuthRoutes(to groups: RouteGroups) {
        let controller = AuthController(auth: auth, limiter: authLimits.user, ceiling: authLimits.address, signer: signer, secureCookies: production)
        controller.addRoutes(to: groups.router.group("auth"))
        controller.addRoutes(to: groups.router.group("api/auth"))
        AccountController(auth: auth, secureCookies: production, passwordChecks: groups.passwordChecks).addRoutes(to: groups.api)
        MFAController(service: MFAService(users: users, mfa: mfa, hasher: hasher, activity: activity, auth: auth), passwordChecks: groups.passwordChecks)
            .addRoutes(to: groups.gated.group("users/mfa"))
    }
}
