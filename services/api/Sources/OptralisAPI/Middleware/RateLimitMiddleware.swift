import HTTPTypes
import Hummingbird
import OptralisCore
import OptralisRedis

/// A limit on one route, per address (the spec's auth routes, or the higher per-address ceiling
/// of login and MFA verification) or per authenticated user; 429 with `Retry-After`.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    enum Key: Sendable {
        case address
        /// The caller's user, behind `AuthMiddleware`: colleagues behind one NAT count apart,
        /// and a stolen token is limited from any address.
        case user
    }

    let limiter: RateLimiter
    let scope: String
    var key: Key = .address

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let user = key == .user ? context.identity.map { "user:\($0.userID.uuidString.lowercased())" } : nil
        let decision = await limiter.check(scope: scope, key: user ?? context.clientIP ?? "unknown")
        if case .limited(let retryAfter) = decision {
            context.logger.notice("rate limited", metadata: ["scope": "\(scope)"])
            throw HTTPError.rateLimited(retryAfter: retryAfter)
        }
        return try await next(request, context)
    }
}

extension HTTPError {
    /// 429 `RATE_LIMITED` with `Retry-After`, in the JSON error shape (``ErrorMiddleware``).
    static func rateLimited(retryAfter seconds: Int) -> HTTPError {
        HTTPError(.tooManyRequests, headers: [.retryAfter: String(seconds)], message: "too many requests, retry in \(seconds) s")
    }
}
