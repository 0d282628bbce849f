import Foundation
import Logging
import OptralisCore
import OptralisRedis

/// Login, MFA, refresh rotation with theft detection, logout, password reset and change.
struct AuthService: Sendable {
    let users: UserStore
    let sessions: SessionStore
    let mfa: MFAStore
    let signer: TokenSigner
    let blacklist: TokenBlacklist
    let hasher: PasswordHasher
    let activity: ActivityLogger
    let emails: NotificationQueues?
    let throttle: AuthThrottle
    /// Users of a suspended or expired client get no tokens (login, MFA, refresh).
    let licences: LicenceStatusCache
    let secret: String
    let publicURL: String
    let logger: Logger

    /// Where a request comes from, stored with tokens and in the activity log.
    struct Origin: Sendable {
        let ip: String?
        let userAgent: String?
    }

    enum LoginOutcome: Sendable {
        case session(SessionTokens)
        case mfaRequired(sessionID: String)
    }

    /// Five failures per (address, account) and window, then 429 (``AuthThrottle``).
    func login(email: String, password: String, origin: Origin) async throws -> LoginOutcome {
        let email = email.trimmingCharacters(in: .whitespaces)
        return try await throttle.countingFailures(
            scope: "login-failed", key: AuthThrottle.key(ip: origin.ip, account: email), failure: APIError.invalidCredentials
        ) {
            try await authenticate(email: email, password: password, origin: origin)
        }
    }

    private func authenticate(email: String, password: String, origin: Origin) async throws -> LoginOutcome {
        let user = try await users.find(email: email)
        // The same bcrypt work whether the email exists or not: no enumeration by timing.
        guard try await hasher.verify(password, hash: user?.passwordHash), let user else {
            if let user { try await users.recordFailedLogin(id: user.id) }
            await activity.record(
                .auth, "Échec de connexion", level: .warn, metadata: ["email": email], clientID: user?.clientID, userID: user?.id, ip: origin.ip)
            throw APIError.invalidCredentials
        }
        if user.mfaEnabled {
            let token = SecureToken.random()
            try await sessions.insertMFASession(userID: user.id, tokenHash: SecureToken.sha256Hex(token), ip: origin.ip, userAgent: origin.userAgent)
            return .mfaRequired(sessionID: token)
        }
        return .session(try await startSession(for: user, origin: origin, event: "Connexion réussie"))
    }

    /// Second step of an MFA login: a TOTP code (±1 step, each step once) or an unused backup
    /// code. Five wrong codes per (address, account) and window, then 429.
    func verifyMFA(sessionID: String, code: String, origin: Origin) async throws -> SessionTokens {
        guard let session = try await sessions.attemptMFASession(tokenHash: SecureToken.sha256Hex(sessionID)),
            let user = try await users.find(id: session.userID), user.mfaEnabled
        else { throw APIError.invalidMFA }
        let key = AuthThrottle.key(ip: origin.ip, account: user.id.uuidString)
        return try await throttle.countingFailures(scope: "mfa-failed", key: key, failure: APIError.invalidMFA) {
            guard try await secondFactor.accept(code, for: user) else {
                await activity.record(.auth, "Code MFA invalide", level: .warn, clientID: user.clientID, userID: user.id, ip: origin.ip)
                throw APIError.invalidMFA
            }
            try await sessions.completeMFASession(id: session.sessionID)
            return try await startSession(for: user, origin: origin, event: "Connexion réussie (MFA)")
        }
    }

    /// Rotates a refresh token. A token that was already used or revoked means it was copied:
    /// every token of its login family is revoked, so thief and victim both log in again.
    /// Five refreshes per family and window, from any address.
    func refresh(token: String, origin: Origin) async throws -> SessionTokens {
        guard let stored = try await sessions.findRefresh(tokenHash: SecureToken.sha256Hex(token)) else { throw APIError.invalidRefresh }
        // Revoked by logout or a password change: simply invalid. Only a token already rotated
        // (or consumed by a concurrent request) coming back means it was copied.
        if stored.isRevoked && stored.revokedReason != "rotated" { throw APIError.invalidRefresh }
        // A reuse is never limited: it must revoke the family.
        if !stored.isRevoked { try await throttle.countRefresh(family: stored.familyID) }
        guard !stored.isRevoked, try await sessions.consumeRefresh(id: stored.id) else {
            try await sessions.revokeFamily(stored.familyID, reason: "theft_detected")
            await activity.record(
                .auth, "Réutilisation d'un refresh token : session révoquée", level: .warn, metadata: ["family_id": stored.familyID.uuidString],
                userID: stored.userID, ip: origin.ip)
            throw APIError.refreshReuse
        }
        // A family from before a password change, rotated while the change was being made.
        guard stored.expiresAt > Date(), let user = try await users.find(id: stored.userID),
            user.tokensValidAfter.map({ stored.createdAt >= $0 }) ?? true
        else { throw APIError.invalidRefresh }
        return try await issue(for: user, familyID: stored.familyID, rotation: stored.rotationCount + 1, origin: origin)
    }

    /// Blacklists the access token (when one came with the request) and ends its refresh family.
    func logout(identity: Identity?, refreshToken: String?, origin: Origin) async throws {
        if let identity {
            try await blacklist.revoke(
                tokenID: identity.tokenID, userID: identity.userID, expiresAt: identity.tokenExpiresAt, reason: "logout",
                ip: origin.ip, userAgent: origin.userAgent)
        }
        if let refreshToken, let stored = try await sessions.findRefresh(tokenHash: SecureToken.sha256Hex(refreshToken)) {
            try await sessions.revokeFamily(stored.familyID, reason: "logout")
        }
        if let identity {
            await activity.record(.auth, "Déconnexion", clientID: identity.clientID, userID: identity.userID, ip: origin.ip)
        }
    }

    /// How long a reset request lasts at least, account or not: the work for an existing one
    /// (a link stored, an email queued, two activity rows) ends well within it, so the delay of
    /// the answer does not say which emails have accounts.
    static let resetRequestDuration: Duration = .milliseconds(300)

    /// Never says whether the email exists, by its answer or its delay; an existing user gets a
    /// one-hour, single-use link.
    func requestPasswordReset(email: String, origin: Origin) async throws {
        let end = ContinuousClock.now + Self.resetRequestDuration
        do {
            try await sendResetLink(email: email, origin: origin)
        } catch {
            try? await Task.sleep(until: end, clock: .continuous)
            throw error
        }
        try? await Task.sleep(until: end, clock: .continuous)
    }

    private func sendResetLink(email: String, origin: Origin) async throws {
        // Checked first, for every email: a 503 must not reveal which addresses have accounts.
        try await ensureEmailQueue()
        guard let user = try await users.find(email: email.trimmingCharacters(in: .whitespaces)) else { return }
        let token = SecureToken.random()
        try await sessions.insertResetToken(userID: user.id, tokenHash: SecureToken.sha256Hex(token), ip: origin.ip)
        try await enqueueEmail(
            EmailJob(
                type: "password_reset", email: user.email, language: user.language,
                data: ["first_name": user.firstName, "reset_url": "\(publicURL)/reset-password?token=\(token)", "expires_in_minutes": "60"]))
        await activity.record(.auth, "Demande de réinitialisation du mot de passe", clientID: user.clientID, userID: user.id, ip: origin.ip)
        await activity.record(.email, "Email de réinitialisation envoyé", clientID: user.clientID, userID: user.id)
    }

    func isResetTokenValid(_ token: String) async throws -> Bool {
        try await sessions.peekResetToken(tokenHash: SecureToken.sha256Hex(token)) != nil
    }

    func resetPassword(token: String, newPassword: String, origin: Origin) async throws {
        try PasswordPolicy.validate(newPassword)
        guard let userID = try await sessions.consumeResetToken(tokenHash: SecureToken.sha256Hex(token)) else {
            throw APIError.invalidResetToken
        }
        try await users.setPassword(id: userID, hash: try await hasher.hash(newPassword), temporary: false)
        try await sessions.endSessions(userID: userID, reason: "password_reset")
        let user = try await users.find(id: userID)
        await activity.record(.auth, "Mot de passe réinitialisé", clientID: user?.clientID, userID: userID, ip: origin.ip)
    }

    /// Changes the caller's password, ends every other session and starts a fresh one.
    func changePassword(identity: Identity, current: String, new: String, origin: Origin) async throws -> SessionTokens {
        guard let user = try await users.find(id: identity.userID) else { throw APIError.notAuthenticated }
        guard try await hasher.verify(current, hash: user.passwordHash) else {
            throw AuthError.incorrectCurrentPassword
        }
        try PasswordPolicy.validate(new)
        guard new != current else { throw APIError.validation("the new password must differ from the current one") }
        try await users.setPassword(id: user.id, hash: try await hasher.hash(new), temporary: false)
        try await sessions.endSessions(userID: user.id, reason: "password_changed")
        try await blacklist.revoke(
            tokenID: identity.tokenID, userID: user.id, expiresAt: identity.tokenExpiresAt, reason: "password_changed",
            ip: origin.ip, userAgent: origin.userAgent)
        guard let updated = try await users.find(id: user.id) else { throw APIError.notAuthenticated }
        await activity.record(.user, "Mot de passe modifié", clientID: user.clientID, userID: user.id, ip: origin.ip)
        return try await issue(for: updated, familyID: UUID(), rotation: 0, origin: origin)
    }

    var secondFactor: SecondFactor { SecondFactor(mfa: mfa, backupCodeKey: secret) }

    private func ensureEmailQueue() async throws {
        guard let emails else {
            throw APIError.emailQueueNotConfigured
        }
        do {
            try await emails.ping()
        } catch {
            throw APIError.emailQueueBusy
        }
    }

    func enqueueEmail(_ job: EmailJob) async throws {
        guard let emails else {
            throw APIError.emailQueueNotConfigured
        }
        do {
            try await emails.enqueue(job)
        } catch {
            logger.error("email job not queued", metadata: ["type": "\(job.type)", "error": "\(error)"])
            throw APIError.emailQueueBusy
        }
    }

    private func startSession(for user: UserRecord, origin: Origin, event: String) async throws -> SessionTokens {
        let tokens = try await issue(for: user, familyID: UUID(), rotation: 0, origin: origin)
        try await users.recordLogin(id: user.id)
        await activity.record(.auth, event, metadata: ["email": user.email], clientID: user.clientID, userID: user.id, ip: origin.ip)
        return tokens
    }

    private func issue(for user: UserRecord, familyID: UUID, rotation: Int, origin: Origin) async throws -> SessionTokens {
        try await licences.requireActive(user.clientID, fresh: true)
        let access = try await signer.issueAccess(userID: user.id, role: user.role, clientID: user.clientID)
        let refresh = SecureToken.random()
        try await sessions.insertRefresh(
            userID: user.id, familyID: familyID, tokenHash: SecureToken.sha256Hex(refresh), rotationCount: rotation,
            ip: origin.ip, userAgent: origin.userAgent)
        return SessionTokens(access: access, refreshToken: refresh, csrfToken: SecureToken.random(bytes: 24), user: user)
    }
}
