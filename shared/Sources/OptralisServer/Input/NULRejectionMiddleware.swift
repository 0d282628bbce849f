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
    /// One pass over the bytes: `String.contains` of a string goes through Foundation's `NSString`
    /// on Linux, which was a percent of the api's CPU on every agent request.
    static func containsNUL(_ target: String) -> Bool {
        var utf8 = target.utf8.makeIterator()
        var (previous, beforePrevious): (UInt8, UInt8) = (1, 1)
        while let byte = utf8.next() {
            if byte == 0 || (byte == UInt8(ascii: "0") && previous == UInt8(ascii: "0") && beforePrevious == UInt8(ascii: "%")) { return true }
            (beforePrevious, previous) = (previous, byte)
        }
        return false
    }
}
