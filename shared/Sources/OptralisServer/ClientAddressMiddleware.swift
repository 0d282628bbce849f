import Foundation
import HTTPTypes
import Hummingbird
import OptralisCore

/// A request context that knows the client's IP (for rate limits and logs).
public protocol ClientAddressContext: RequestContext {
    var clientIP: String? { get set }
}

/// Resolves the client's IP for rate limits and logs. Proxy headers are believed only when
/// `TRUST_PROXY_HEADERS` says a proxy (Caddy in the compose deployment) sets them.
public struct ClientAddressMiddleware<Context: ClientAddressContext>: RouterMiddleware {
    let trustProxyHeaders: Bool

    public init(trustProxyHeaders: Bool) {
        self.trustProxyHeaders = trustProxyHeaders
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if trustProxyHeaders {
            let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!]?.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }
            if let address = request.headers[HTTPField.Name("X-Real-IP")!] ?? forwarded, !address.isEmpty {
                context.clientIP = address.clipped(toCodePoints: 45)
            }
        }
        return try await next(request, context)
    }
}
