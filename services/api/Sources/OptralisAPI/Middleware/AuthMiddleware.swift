import Foundation
import HTTPTypes
import Hummingbird
import OptralisCore

/// Authenticates `/api/*`: a Bearer token or the `optralis_access` cookie, a valid signature
/// and expiry, not blacklisted, a user that still exists, and issued after that user's last
/// password change. Role and client come from the user's current row, so a role change or a
/// deletion takes effect at once. With cookies, a state-changing method also needs
/// `X-CSRF-Token` equal to the `optralis_csrf` cookie.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let signer: TokenSigner
    let blacklist: TokenBlacklist
    let users: UserStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let bearer = Self.bearerToken(request)
        let cookie = request.cookies[AuthCookies.access]?.value
        guard let token = bearer ?? cookie, !token.isEmpty else { throw APIError.notAuthenticated }
        guard let claims = await signer.verifyAccess(token), let userID = UUID(uuidString: claims.sub.value) else {
            throw APIError.invalidToken
        }
        let viaCookie = bearer == nil
        if viaCookie && ![.get, .head, .options].contains(request.method) {
            guard let header = request.headers[.csrfToken], let expected = request.cookies[AuthCookies.csrf]?.value,
                ConstantTime.equals(header, expected)
            else { throw APIError.csrf }
        }
        guard try await !blacklist.isRevoked(tokenID: claims.jti.value) else { throw APIError.revokedToken }
        guard let user = try await users.find(id: userID) else { throw APIError.invalidToken }
        // Issued before the password was last reset or changed: that ended every session.
        if let validAfter = user.tokensValidAfter, claims.iat.value < validAfter { throw APIError.revokedToken }

        let identity: Identity
        if let impersonator = claims.imp.flatMap(UUID.init(uuidString:)) {
            // An impersonation token: the super_admin acts as an admin of the named client.
            guard user.role == .superAdmin, impersonator == user.id, let clientID = claims.cid.flatMap(UUID.init(uuidString:)) else {
                throw APIError.invalidToken
            }
            identity = Identity(
                userID: user.id, email: user.email, clientID: clientID, role: .admin, impersonatedBy: impersonator,
                tokenID: claims.jti.value, tokenExpiresAt: claims.exp.value, viaCookie: viaCookie, mustChangePassword: false,
                passwordExpired: false)
        } else {
            identity = Identity(
                userID: user.id, email: user.email, clientID: user.clientID, role: user.role, impersonatedBy: nil,
                tokenID: claims.jti.value, tokenExpiresAt: claims.exp.value, viaCookie: viaCookie,
                mustChangePassword: user.mustChangePassword, passwordExpired: user.passwordExpired)
        }
        context.identity = identity
        context.authenticatedUser = user
        context.logger[metadataKey: "optralis.user_id"] = .string(user.id.uuidString.lowercased())
        if let clientID = identity.clientID { context.logger[metadataKey: "optralis.client_id"] = .string(clientID.uuidString.lowercased()) }
        return try await next(request, context)
    }
}

extension AuthMiddleware {
    /// The token of an `Authorization: Bearer …` header.
    static func bearerToken(_ request: Request) -> String? {
        request.headers[.authorization].flatMap { value -> String? in
            let parts = value.split(separator: " ", maxSplits: 1)
            return parts.count == 2 && parts[0].lowercased() == "bearer" ? String(parts[1]) : nil
        }
    }
}

extension HTTPField.Name {
    static let csrfToken = Self("X-CSRF-Token")!
}

/// Blocks every route behind it while the password must be changed (first login, admin reset,
/// 90-day expiry). `/api/me`, `/api/change-password` and `/api/status` are registered outside it.
struct PasswordChangeGate: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let identity = try context.requireIdentity()
        if identity.mustChangePassword { throw APIError.passwordChangeRequired }
        if identity.passwordExpired { throw APIError.passwordExpired }
        return try await next(request, context)
    }
}

/// Tenant routes: a client to act on (a super_admin must impersonate one), and read-only
/// access for observers — any method but GET and HEAD is 403 for them, except the reads that
/// take their question as a POST body (``readingPosts``).
struct TenantMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    /// POST routes that change nothing (`/api/machines/labels/batch`: up to 100 ids; the AI
    /// analyses, which only spend the client's quota; a custom executive report).
    static let readingPosts: Set<String> = Set(["/api/machines/labels/batch"]).union(AIProxyController.analysisPosts)
        .union(ExecutiveReportsController.readingPosts)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let identity = try context.requireIdentity()
        _ = try identity.requireClient()
        let reads = [.get, .head].contains(request.method) || (request.method == .post && Self.readingPosts.contains(request.uri.path))
        if !identity.role.canWrite && !reads { throw APIError.readOnly }
        return try await next(request, context)
    }
}

/// `/api/admin/*`: super_admin only, and not through an impersonation token.
struct SuperAdminMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let identity = try context.requireIdentity()
        guard identity.role == .superAdmin, identity.impersonatedBy == nil else { throw APIError.superAdminRequired }
        return try await next(request, context)
    }
}
