import Foundation
import Hummingbird
import OptralisCore
import OptralisRedis

/// `/auth/*` (and the same routes under `/api/auth/*`, where the refresh cookie is sent).
struct AuthController {
    let auth: AuthService
    /// `AUTH_RATE_LIMIT` per IP; login and MFA failures, and refreshes, are counted by the service.
    let limiter: RateLimiter
    /// `AUTH_RATE_LIMIT_PER_IP`: every login and MFA verification of one IP.
    let ceiling: RateLimiter
    let signer: TokenSigner
    let secureCookies: Bool

    struct LoginRequest: Decodable {
        let email: String
        let password: String
    }
    struct MFAVerifyRequest: Decodable {
        let mfaSessionID: String
        let code: String
        enum CodingKeys: String, CodingKey { case mfaSessionID = "mfa_session_id", code }
    }
    struct RefreshRequest: Decodable {
        let refreshToken: String?
        enum CodingKeys: String, CodingKey { case refreshToken = "refresh_token" }
    }
    struct ResetRequest: Decodable { let email: String }
    struct ResetPasswordRequest: Decodable {
        let token: String
        let newPassword: String
        enum CodingKeys: String, CodingKey { case token, newPassword = "new_password" }
    }
    struct MFARequired: ResponseEncodable {
        let mfaRequired = true
        let mfaSessionID: String
        enum CodingKeys: String, CodingKey { case mfaRequired = "mfa_required", mfaSessionID = "mfa_session_id" }
    }
    struct Message: ResponseEncodable { let message: String }
    struct TokenValidity: ResponseEncodable { let valid: Bool }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        func limited(_ scope: String) -> RateLimitMiddleware { RateLimitMiddleware(limiter: limiter, scope: scope) }
        func ceiling(_ scope: String) -> RateLimitMiddleware { RateLimitMiddleware(limiter: self.ceiling, scope: scope) }
        group.group("login").add(middleware: ceiling("login")).post(use: login)
        group.post("refresh", use: refresh)
        group.post("logout", use: logout)
        group.group("request-password-reset").add(middleware: limited("request-password-reset")).post(use: requestReset)
        group.group("reset-password").add(middleware: limited("reset-password")).post(use: resetPassword)
        group.get("validate-reset-token", use: validateResetToken)
        group.group("mfa/verify").add(middleware: ceiling("mfa-verify")).post(use: verifyMFA)
    }

    @Sendable func login(_ request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await request.decode(as: LoginRequest.self, context: context)
        guard !body.email.isEmpty, !body.password.isEmpty else { throw APIError.validation("email and password are required") }
        switch try await auth.login(email: body.email, password: body.password, origin: origin(request, context)) {
        case .session(let session):
            return try sessionResponse(session, request: request, context: context)
        case .mfaRequired(let sessionID):
            return try MFARequired(mfaSessionID: sessionID).jsonResponse(from: request, context: context)
        }
    }

    @Sendable func verifyMFA(_ request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await request.decode(as: MFAVerifyRequest.self, context: context)
        guard !body.mfaSessionID.isEmpty, !body.code.isEmpty else { throw APIError.validation("mfa_session_id and code are required") }
        let session = try await auth.verifyMFA(sessionID: body.mfaSessionID, code: body.code, origin: origin(request, context))
        return try sessionResponse(session, request: request, context: context)
    }

    @Sendable func refresh(_ request: Request, context: APIRequestContext) async throws -> Response {
        let body = try? await request.decode(as: RefreshRequest.self, context: context)
        guard let token = body?.refreshToken ?? request.cookies[AuthCookies.refresh]?.value, !token.isEmpty else {
            throw APIError.validation("refresh_token is required")
        }
        let session = try await auth.refresh(token: token, origin: origin(request, context))
        return try sessionResponse(session, request: request, context: context)
    }

    /// Works with an expired or missing access token: whatever is presented is revoked.
    @Sendable func logout(_ request: Request, context: APIRequestContext) async throws -> Response {
        let body = try? await request.decode(as: RefreshRequest.self, context: context)
        let accessToken = AuthMiddleware.bearerToken(request) ?? request.cookies[AuthCookies.access]?.value
        var identity: Identity?
        if let accessToken, let claims = await signer.verifyAccess(accessToken), let userID = UUID(uuidString: claims.sub.value) {
            identity = Identity(
                userID: userID, email: "", clientID: claims.cid.flatMap(UUID.init(uuidString:)), role: Role(rawValue: claims.role) ?? .observer,
                impersonatedBy: claims.imp.flatMap(UUID.init(uuidString:)), tokenID: claims.jti.value, tokenExpiresAt: claims.exp.value,
                viaCookie: false, mustChangePassword: false, passwordExpired: false)
        }
        try await auth.logout(
            identity: identity, refreshToken: body?.refreshToken ?? request.cookies[AuthCookies.refresh]?.value, origin: origin(request, context))
        var response = try Message(message: "logged out").jsonResponse(from: request, context: context)
        AuthCookies.clear(on: &response, secure: secureCookies)
        return response
    }

    @Sendable func requestReset(_ request: Request, context: APIRequestContext) async throws -> Message {
        let body = try await request.decode(as: ResetRequest.self, context: context)
        guard Validation.isEmail(body.email) else { throw APIError.validation("a valid email is required") }
        try await auth.requestPasswordReset(email: body.email, origin: origin(request, context))
        return Message(message: "if an account exists for this email, a reset link has been sent")
    }

    @Sendable func resetPassword(_ request: Request, context: APIRequestContext) async throws -> Message {
        let body = try await request.decode(as: ResetPasswordRequest.self, context: context)
        try await auth.resetPassword(token: body.token, newPassword: body.newPassword, origin: origin(request, context))
        return Message(message: "password reset: log in with the new password")
    }

    @Sendable func validateResetToken(_ request: Request, context: APIRequestContext) async throws -> TokenValidity {
        guard let token = request.uri.queryParameters["token"].map(String.init), !token.isEmpty else {
            throw APIError.validation("token is required")
        }
        guard try await auth.isResetTokenValid(token) else { throw APIError.invalidResetToken }
        return TokenValidity(valid: true)
    }

    private func sessionResponse(_ session: SessionTokens, request: Request, context: APIRequestContext) throws -> Response {
        var response = try SessionResponse(session).jsonResponse(from: request, context: context)
        AuthCookies.set(session, on: &response, secure: secureCookies)
        return response
    }
}
