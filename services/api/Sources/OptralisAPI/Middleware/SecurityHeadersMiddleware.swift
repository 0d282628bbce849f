import Foundation
import HTTPTypes
import Hummingbird

/// The spec's hardening headers on every api response (and HSTS in production).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let production: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-XSS-Protection")!] = "1; mode=block"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "strict-origin-when-cross-origin"
        if production { response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains" }
        return response
    }
}

/// CORS for the origins of `CORS_ALLOWED_ORIGINS` only (comma-separated; in development when
/// unset, the origins on this machine: any page on the internet could otherwise read a logged-in
/// developer's data with their cookies). Credentials are allowed, so an allowed origin is
/// echoed, never `*`.
struct CORSAllowListMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowed: Set<String>
    let allowLocalOrigins: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], allowed.contains(origin) || (allowLocalOrigins && Self.isLocal(origin)) else {
            return try await next(request, context)
        }
        var response: Response
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            response = Response(status: .noContent)
            response.headers[.accessControlAllowMethods] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
            response.headers[.accessControlAllowHeaders] = "Authorization, Content-Type, X-CSRF-Token, X-Request-ID"
            response.headers[.accessControlMaxAge] = "600"
        } else {
            response = try await next(request, context)
        }
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlAllowCredentials] = "true"
        response.headers[.vary] = "Origin"
        return response
    }

    /// `http(s)://localhost`, `127.0.0.1` or `[::1]`, any port.
    static func isLocal(_ origin: String) -> Bool {
        guard let url = URLComponents(string: origin), url.scheme == "http" || url.scheme == "https", url.path.isEmpty,
            let host = url.host?.lowercased()
        else { return false }
        return host == "localhost" || host == "127.0.0.1" || host == "[::1]" || host == "::1"
    }
}
