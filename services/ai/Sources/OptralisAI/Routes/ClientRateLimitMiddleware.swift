import Foundation
import HTTPTypes
import Hummingbird
import OptralisRedis

/// `AI_RATE_LIMIT_PER_MINUTE` requests a minute per client (`X-Client-ID`), a fixed window in
/// Redis shared by every replica; over it, 429 `RATE_LIMITED` with `retry_after` and
/// `Retry-After`. A request without a client goes on to its route's 400; with Redis down the
/// request goes through (``RateLimiter`` fails open and logs it).
struct ClientRateLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limiter: RateLimiter

    struct Body: Encodable {
        let error: String
        let code = "RATE_LIMITED"
        let retryAfter: Int
        enum CodingKeys: String, CodingKey { case error, code, retryAfter = "retry_after" }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let client = request.headers[.clientID].flatMap(UUID.init(uuidString:)) else { return try await next(request, context) }
        guard case .limited(let retryAfter) = await limiter.check(scope: "ai", key: client.uuidString.lowercased()) else {
            return try await next(request, context)
        }
        context.logger.notice("ai rate limited", metadata: ["optralis.client_id": "\(client)"])
        let body = Body(error: "more than \(limiter.limit) AI requests this minute, retry in \(retryAfter) s", retryAfter: retryAfter)
        return Response(
            status: .tooManyRequests,
            headers: [.contentType: "application/json; charset=utf-8", .retryAfter: String(retryAfter)],
            body: .init(byteBuffer: ByteBuffer(bytes: AIJSON.data(body))))
    }
}
