import Hummingbird
import OptralisCore

/// Refuses a URL that carries a NUL character (`%00`) in its path or query: PostgreSQL's text
/// types cannot hold one, so it would otherwise reach a query and fail there as a 500. Bodies are
/// checked by ``OptralisRequestDecoder``.
public struct NULRejectionMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.containsNUL(request.uri.description) {
            throw AppError.validation("the URL must not contain NUL characters (%00)")
        }
        return try await next(request, context)
    }

    /// `%00` has no letter, so case does not matter; a raw NUL cannot pass the HTTP parser but costs nothing to check.
    static func containsNUL(_ target: String) -> Bool {
        target.contains("%00") || target.contains("\0")
    }
}
