import Foundation
import OptralisCore

/// A client's users, managed by its admins, with the spec's protections: only admin and
/// observer are assignable, the last admin is neither deleted nor demoted, nobody changes their
/// own role or deletes themself, emails are unique.
struct UserService: Sendable {
    let users: UserStore
    let sessions: SessionStore
    let hasher: PasswordHasher
    let activity: ActivityLogger
    let auth: AuthService
    let publicURL: String

    struct CreateRequest: Codable, Sendable {
        let email: String
        let firstName: String?
        let lastName: String?
        let role: String
        let language: String?
        let password: String?
        enum CodingKeys: String, CodingKey {
            case email, role, language, password, firstName = "first_name", lastName = "last_name"
        }
    }

    struct UpdateRequest: Codable, Sendable {
        let email: String?
        let firstName: String?
        let lastName: String?
        let role: String?
        let language: String?
        enum CodingKeys: String, CodingKey { case email, role, language, firstName = "first_name", lastName = "last_name" }
    }

    struct Created: Codable, Sendable {
        let user: UserView
        /// Only when the server generated the password; the user must change it at first login.
        let temporaryPassword: String?
        let welcomeEmailQueued: Bool
        enum CodingKeys: String, CodingKey { case user, temporaryPassword = "temporary_password", welcomeEmailQueued = "welcome_email_queued" }
    }

    struct PasswordReset: Codable, Sendable {
        let temporaryPassword: String
        let emailQueued: Bool
        enum CodingKeys: String, CodingKey { case temporaryPassword = "temporary_password", emailQueued = "email_queued" }
    }

    static func assignableRole(_ value: String) throws -> Role {
        guard let role = Role(rawValue: value), role != .superAdmin else {
            throw APIError.validation("role must be admin or observer")
        }
        return role
    }

    func list(_ identity: Identity) async throws -> [UserView] {
        try await users.list(clientID: try identity.requireClient()).map(UserView.init)
    }

    func create(_ identity: Identity, _ request: CreateRequest, ip: String?) async throws -> Created {
        let clientID = try identity.requireClient()
        let email = request.email.trimmingCharacters(in: .whitespaces).lowercased()
        guard Validation.isEmail(email) else { throw APIError.validation("a valid email is required") }
        let role = try Self.assignableRole(request.role)
        let language = try Validation.language(request.language) ?? "fr"
        if let password = request.password { try PasswordPolicy.validate(password) }
        let password = request.password ?? PasswordPolicy.generate()
        let new = UserStore.NewUser(
            clientID: clientID, email: email, passwordHash: try await hasher.hash(password),
            firstName: try Validation.name(request.firstName, field: "first_name") ?? "",
            lastName: try Validation.name(request.lastName, field: "last_name") ?? "", role: role, language: language,
            mustChangePassword: true)
        guard let id = try await users.insert(new), let user = try await users.find(id: id, clientID: clientID) else {
            throw APIError.emailExists
        }
        await activity.record(.user, "Création compte", metadata: ["email": email, "role": role.rawValue], clientID: clientID, userID: identity.userID, ip: ip)
        let queued = await queue(
            EmailJob(
                type: "welcome", email: email, language: language,
                data: ["first_name": user.firstName, "login_url": publicURL, "temporary_password": password, "client_name": user.clientName ?? ""]),
            clientID: clientID, message: "Email de bienvenue envoyé")
        return Created(user: UserView(user), temporaryPassword: request.password == nil ? password : nil, welcomeEmailQueued: queued)
    }

    func update(_ identity: Identity, id: UUID, _ request: UpdateRequest, ip: String?) async throws -> UserView {
        let clientID = try identity.requireClient()
        guard let target = try await users.find(id: id, clientID: clientID) else { throw APIError.notFound("user") }
        let role = try request.role.map(Self.assignableRole)
        if let role, role != target.role, target.id == identity.userID {
            throw UserError.cannotChangeOwnRole
        }
        let email = request.email?.trimmingCharacters(in: .whitespaces).lowercased()
        if let email, !Validation.isEmail(email) { throw APIError.validation("a valid email is required") }
        let changes = UserStore.Changes(
            email: email, firstName: try Validation.name(request.firstName, field: "first_name"),
            lastName: try Validation.name(request.lastName, field: "last_name"), role: role, language: try Validation.language(request.language))
        let users = self.users
        let updated = try await users.withAdminsLocked(clientID: clientID) { connection, admins in
            if target.role == .admin, let role, role != .admin, admins <= 1 {
                throw UserError.lastAdminDemoted
            }
            return try await users.update(id: id, clientID: clientID, changes, on: connection)
        }
        guard updated else { throw APIError.emailExists }
        guard let user = try await users.find(id: id, clientID: clientID) else { throw APIError.notFound("user") }
        await activity.record(.user, "Modification profil", metadata: ["email": user.email], clientID: clientID, userID: identity.userID, ip: ip)
        return UserView(user)
    }

    func delete(_ identity: Identity, id: UUID, ip: String?) async throws {
        let clientID = try identity.requireClient()
        guard let target = try await users.find(id: id, clientID: clientID) else { throw APIError.notFound("user") }
        guard target.id != identity.userID else { throw UserError.cannotDeleteSelf }
        let users = self.users
        try await users.withAdminsLocked(clientID: clientID) { connection, admins in
            if target.role == .admin, admins <= 1 {
                throw UserError.lastAdminDeleted
            }
            try await users.delete(id: id, clientID: clientID, on: connection)
        }
        await activity.record(
            .user, "Utilisateur supprimé", level: .warn, metadata: ["email": target.email], clientID: clientID, userID: identity.userID, ip: ip)
    }

    /// A new temporary password, to change at next login; the user's sessions end.
    func resetPassword(_ identity: Identity, id: UUID, ip: String?) async throws -> PasswordReset {
        let clientID = try identity.requireClient()
        guard let target = try await users.find(id: id, clientID: clientID) else { throw APIError.notFound("user") }
        let password = PasswordPolicy.generate()
        try await users.setPassword(id: target.id, hash: try await hasher.hash(password), temporary: true)
        try await sessions.endSessions(userID: target.id, reason: "admin_password_reset")
        await activity.record(
            .user, "Mot de passe réinitialisé par un admin", metadata: ["email": target.email], clientID: clientID, userID: identity.userID, ip: ip)
        let queued = await queue(
            EmailJob(
                type: "new_password", email: target.email, language: target.language,
                data: ["first_name": target.firstName, "login_url": publicURL, "temporary_password": password]),
            clientID: clientID, message: "Email de nouveau mot de passe envoyé")
        return PasswordReset(temporaryPassword: password, emailQueued: queued)
    }

    /// Queues an email; the account change stands even when the queue is unavailable.
    private func queue(_ job: EmailJob, clientID: UUID, message: String) async -> Bool {
        do {
            try await auth.enqueueEmail(job)
            await activity.record(.email, message, metadata: ["email": job.email], clientID: clientID)
            return true
        } catch {
            await activity.record(
                .email, "Email non envoyé : file indisponible", level: .error, metadata: ["email": job.email, "type": job.type], clientID: clientID)
            return false
        }
    }
}
