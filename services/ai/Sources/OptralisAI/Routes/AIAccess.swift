import Hummingbird
import OptralisRedis
import OptralisServer

/// What every `/ai/*` route passes before its handler: the internal token (the api's), then the
/// client's per-minute budget (`AI_RATE_LIMIT_PER_MINUTE`; nil limiter when it is 0). The token
/// comes first, so a caller without it never spends a client's budget.
struct AIAccess: Sendable {
    let internalToken: String
    let limiter: RateLimiter?

    func group<Context: RequestContext>(_ router: Router<Context>, _ path: RouterPath = "ai") -> RouterGroup<Context> {
        let group = router.group(path).add(middleware: InternalTokenMiddleware<Context>(token: internalToken))
        guard let limiter else { return group }
        return group.add(middleware: ClientRateLimitMiddleware<Context>(limiter: limiter))
    }
}
