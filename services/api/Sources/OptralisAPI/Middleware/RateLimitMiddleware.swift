import HTTPTypes
import Hummingbird
import OptralisCore
import OptralisRedis

/// The spec's auth limit (5 requests per 15 minutes per IP) on one route; 429 with `Retry-After`.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let limiter: RateLimiter
    let scope: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let decision = await limiter.check(scope: scope, key: context.clientIP ?? "unknown")
        if case .limited(let retryAfter) = decision {
            var response = ErrorBody(error: "too many requests, retry in \(retryAfter) s", code: "RATE_LIMITED").response(status: .tooManyRequests)
            response.headers[.retryAfter] = String(retryAfter)
            context.logger.notice("rate limited", metadata: ["scope": "\(scope)"])
            return response
        }
        return try await next(request, context)
    }
}
