import HTTPTypes
import Hummingbird
import OptralisCore

extension HTTPField.Name {
    public static let internalToken = Self("X-Internal-Token")!
}

/// Guards the internal routes services call on each other: `X-Internal-Token` must equal
/// `INTERNAL_SERVICE_TOKEN` (compared in constant time), else 401.
public struct InternalTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    private let token: [UInt8]

    public init(token: String) {
        self.token = Array(token.utf8)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let presented = Array((request.headers[.internalToken] ?? "").utf8)
        var difference = UInt8(presented.count == token.count ? 0 : 1)
        for index in token.indices { difference |= token[index] ^ (index < presented.count ? presented[index] : 0) }
        guard difference == 0 else { throw AppError.unauthorized("internal token required", code: "INVALID_INTERNAL_TOKEN") }
        return try await next(request, context)
    }
}
