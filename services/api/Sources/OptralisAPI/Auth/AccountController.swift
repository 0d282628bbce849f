import Foundation
import Hummingbird

/// The caller's own account: `GET /api/me`, `POST /api/change-password`, `GET /api/status`.
struct AccountController {
    let auth: AuthService
    let secureCookies: Bool
    let passwordChecks: RateLimitMiddleware

    struct MeResponse: ResponseEncodable {
        let user: UserView
        let impersonatedBy: UUID?
        let passwordExpired: Bool
        enum CodingKeys: String, CodingKey { case user, impersonatedBy = "impersonated_by", passwordExpired = "password_expired" }
    }
    struct ChangePasswordRequest: Decodable {
        let currentPassword: String
        let newPassword: String
        enum CodingKeys: String, CodingKey { case currentPassword = "current_password", newPassword = "new_password" }
    }
    struct Status: ResponseEncodable {
        let authenticated = true
        let userID: UUID
        let role: String
        let clientID: UUID?
        enum CodingKeys: String, CodingKey { case authenticated, userID = "user_id", role, clientID = "client_id" }
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("me", use: me)
        group.group("change-password").add(middleware: passwordChecks).post(use: changePassword)
        group.get("status", use: status)
    }

    @Sendable func me(_ request: Request, context: APIRequestContext) async throws -> MeResponse {
        let identity = try context.requireIdentity()
        guard let user = context.authenticatedUser else { throw APIError.notAuthenticated }
        return MeResponse(user: UserView(user), impersonatedBy: identity.impersonatedBy, passwordExpired: user.passwordExpired)
    }

    @Sendable func changePassword(_ request: Request, context: APIRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard identity.impersonatedBy == nil else { throw APIError.forbidden("not while impersonating") }
        let body = try await request.decode(as: ChangePasswordRequest.self, context: context)
        let session = try await auth.changePassword(identity: identity, current: body.currentPassword, new: body.newPassword, origin: origin(request, context))
        var response = try SessionResponse(session).jsonResponse(from: request, context: context)
        AuthCookies.set(session, on: &response, secure: secureCookies)
        return response
    }

    @Sendable func status(_ request: Request, context: APIRequestContext) async throws -> Status {
        let identity = try context.requireIdentity()
        return Status(userID: identity.userID, role: identity.role.rawValue, clientID: identity.clientID)
    }
}
