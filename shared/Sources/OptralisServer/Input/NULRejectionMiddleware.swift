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

    static func containsNUL(_ target: String) -> Bool {
        let bytes = Array(target.utf8)
        guard !bytes.contains(0) else { return true }
        var index = bytes.startIndex
        while let percent = bytes[index...].firstIndex(of: UInt8(ascii: "%")), percent + 2 < bytes.endIndex {
            if bytes[percent + 1] == UInt8(ascii: "0"), bytes[percent + 2] == UInt8(ascii: "0") { return true }
            index = percent + 1
        }
        return false
    }
}
