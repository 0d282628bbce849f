import HTTPTypes
import Hummingbird
import Logging

/// Loads the browser's session (cookie `optralis_session`) into the context; a page that needs
/// one sends a browser without it to `/login?next=<path>`.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let store: SessionStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let id = request.cookies[SessionStore.cookie]?.value {
            do {
                context.session = try await store.load(id)
                context.sessionID = context.session == nil ? nil : id
            } catch {
                context.logger.warning("sessions unavailable: Redis did not answer", metadata: ["error": "\(error)"])
            }
        }
        return try await next(request, context)
    }
}

/// The pages behind a login.
struct RequireSession: RouterMiddleware {
    typealias Context = WebRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.session != nil else {
            let target =
                request.uri.path == "/" ? "/login" : "/login?next=" + (request.uri.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "/")
            return .redirect(to: target, type: .found)
        }
        do {
            return try await next(request, context)
        } catch APIClient.Failure.loggedOut {
            var response = Response.redirect(to: "/login?expired=1", type: .found)
            response.setCookie(.init(name: SessionStore.cookie, value: "", maxAge: 0, path: "/", secure: false, httpOnly: true, sameSite: .strict))
            return response
        }
    }
}

/// The headers of every page: a strict Content-Security-Policy (the dashboard's own CSS and
/// script only, nothing from elsewhere), no framing, no sniffing, no referrer to other sites.
struct PageSecurityHeaders<Context: RequestContext>: RouterMiddleware {
    let production: Bool
    static var policy: String {
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        if production { response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains" }
        return response
    }
}
