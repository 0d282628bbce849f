import HTTPTypes
import Hummingbird
import OptralisCore

extension HTTPField.Name {
    public static let internalToken = Self("X-Internal-Token")!
}

/// Guards the internal routes services call on each other: `X-Internal-Token` must equal
/// `INTERNAL_SERVICE_TOKEN` (compared in constant time), else 401.
public struct InternalTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    private let token: String

    public init(token: String) {
        self.token = token
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard ConstantTime.equals(request.headers[.internalToken] ?? "", token) else {
            throw AppError.unauthorized("internal token required", code: "INVALID_INTERNAL_TOKEN")
        }
        return try await next(request, context)
    }
}
