import Foundation
import OptralisCore
import OptralisPostgres

/// The super_admin's management of tenants, licences and impersonation.
struct ClientAdminService: Sendable {
    let clients: ClientStore
    let licenseTypes: LicenseTypeStore
    let users: UserStore
    let hasher: PasswordHasher
    let signer: TokenSigner
    let activity: ActivityLogger
    let auth: AuthService
    let publicURL: String
    let cache: FleetCache

    struct CreateRequest: Codable, Sendable {
        let name: String
        let licenseType: String?
        let licenseExpiresAt: Date?
        let language: String?
        let admin: AdminRequest

        struct AdminRequest: Codable, Sendable {
            let email: String
            let firstName: String?
            let lastName: String?
            let password: String?
            enum CodingKeys: String, CodingKey { case email, password, firstName = "first_name", lastName = "last_name" }
        }

        enum CodingKeys: String, CodingKey {
            case name, language, admin, licenseType = "license_type", licenseExpiresAt = "license_expires_at"
        }
    }

    struct UpdateRequest: Codable, Sendable {
        let name: String?
        let licenseType: String?
        let licenseStatus: String?
        let licenseExpiresAt: Date?
        let clearLicenseExpiry: Bool?
        let language: String?
        enum CodingKeys: String, CodingKey {
            case name, language, licenseType = "license_type", licenseStatus = "license_status"
            case licenseExpiresAt = "license_expires_at", clearLicenseExpiry = "clear_license_expiry"
        }
    }

    struct Created: Codable, Sendable {
        let client: ClientStore.Record
        let adminUserID: UUID
        let adminTemporaryPassword: String?
        let welcomeEmailQueued: Bool
        enum CodingKeys: String, CodingKey {
            case client, adminUserID = "admin_user_id", adminTemporaryPassword = "admin_temporary_password", welcomeEmailQueued = "welcome_email_queued"
        }
    }

    struct Impersonation: Codable, Sendable {
        let accessToken: String
        let expiresIn: Int
        let clientID: UUID
        let clientName: String
        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token", expiresIn = "expires_in", clientID = "client_id", clientName = "client_name"
        }
    }

    private func clientName(_ value: String?) throws -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...255).contains(trimmed.unicodeScalars.count) else { throw APIError.validation("name must be 1 to 255 characters") }
        return trimmed
    }

    private func licenseType(_ code: String?) async throws -> String? {
        guard let code else { return nil }
        guard try await licenseTypes.exists(code: code) else { throw APIError.validation("unknown or inactive license_type \"\(code)\"") }
        return code
    }

    /// The client and its first admin, in one transaction: neither exists without the other.
    func create(_ request: CreateRequest, by identity: Identity, ip: String?) async throws -> Created {
        let name = try clientName(request.name)!
        let type = try await licenseType(request.licenseType ?? "trial")!
        let language = try Validation.language(request.language) ?? "fr"
        let email = request.admin.email.trimmingCharacters(in: .whitespaces).lowercased()
        guard Validation.isEmail(email) else { throw APIError.validation("admin.email must be a valid email") }
        if let password = request.admin.password { try PasswordPolicy.validate(password) }
        let password = request.admin.password ?? PasswordPolicy.generate()
        let admin = UserStore.NewUser(
            clientID: nil, email: email, passwordHash: try await hasher.hash(password),
            firstName: try Validation.name(request.admin.firstName, field: "admin.first_name") ?? "",
            lastName: try Validation.name(request.admin.lastName, field: "admin.last_name") ?? "", role: .admin, language: language,
            mustChangePassword: true)
        let (clients, users) = (self.clients, self.users)
        let (clientID, adminID) = try await clients.database.transaction(logger: clients.logger) { connection in
            let clientID = try await clients.insert(
                .init(name: name, licenseType: type, licenseExpiresAt: request.licenseExpiresAt, language: language), on: connection)
            var user = admin
            user.clientID = clientID
            guard let adminID = try await users.insert(user, on: connection) else {
                throw APIError.emailExists
            }
            return (clientID, adminID)
        }
        await activity.record(.system, "Client créé", metadata: ["name": name, "license_type": type], clientID: clientID, userID: identity.userID, ip: ip)
        var queued = true
        do {
            try await auth.enqueueEmail(
                EmailJob(
                    type: "welcome", email: email, language: language,
                    data: ["first_name": admin.firstName, "login_url": publicURL, "temporary_password": password, "client_name": name]))
            await activity.record(.email, "Email de bienvenue envoyé", metadata: ["email": email], clientID: clientID)
        } catch {
            queued = false
        }
        guard let record = try await clients.find(id: clientID) else { throw APIError.notFound("client") }
        return Created(client: record, adminUserID: adminID, adminTemporaryPassword: request.admin.password == nil ? password : nil, welcomeEmailQueued: queued)
    }

    func update(id: UUID, _ request: UpdateRequest, by identity: Identity, ip: String?) async throws -> ClientStore.Record {
        if let status = request.licenseStatus, !["active", "expired", "suspended"].contains(status) {
            throw APIError.validation("license_status must be active, expired or suspended")
        }
        let changes = ClientStore.Changes(
            name: try clientName(request.name), licenseType: try await licenseType(request.licenseType), licenseStatus: request.licenseStatus,
            licenseExpiresAt: request.clearLicenseExpiry == true ? .some(nil) : request.licenseExpiresAt.map { .some($0) },
            language: try Validation.language(request.language))
        guard try await clients.update(id: id, changes), let record = try await clients.find(id: id) else { throw APIError.notFound("client") }
        await cache.invalidateClient(id)
        await activity.record(.system, "Client modifié", metadata: ["name": record.name], clientID: id, userID: identity.userID, ip: ip)
        return record
    }

    func delete(id: UUID, by identity: Identity, ip: String?) async throws {
        guard let record = try await clients.find(id: id) else { throw APIError.notFound("client") }
        guard try await clients.delete(id: id) else { throw APIError.notFound("client") }
        await cache.invalidateClient(id)
        await activity.record(
            .system, "Client supprimé", level: .warn, metadata: ["name": record.name, "client_id": id.uuidString], userID: identity.userID, ip: ip)
    }

    func regenerateLicenseID(id: UUID, by identity: Identity, ip: String?) async throws -> UUID {
        guard let licenseID = try await clients.regenerateLicenseID(id: id) else { throw APIError.notFound("client") }
        await cache.invalidateClient(id)
        await activity.record(.system, "Licence régénérée", clientID: id, userID: identity.userID, ip: ip)
        return licenseID
    }

    func extend(id: UUID, days: Int, by identity: Identity, ip: String?) async throws -> Date {
        guard (1...3650).contains(days) else { throw APIError.validation("days must be between 1 and 3650") }
        guard let expiry = try await clients.extend(id: id, days: days) else { throw APIError.notFound("client") }
        await cache.invalidateClient(id)
        await activity.record(.system, "Licence prolongée", metadata: ["days": String(days)], clientID: id, userID: identity.userID, ip: ip)
        return expiry
    }

    /// A 15-minute access token acting as an admin of the client, marked `imp` in the JWT and
    /// recorded in the activity log. No refresh token: impersonation does not outlive it.
    func impersonate(clientID: UUID, by identity: Identity, ip: String?) async throws -> Impersonation {
        guard let client = try await clients.find(id: clientID) else { throw APIError.notFound("client") }
        let issued = try await signer.issueAccess(
            userID: identity.userID, role: .admin, clientID: clientID, impersonatedBy: identity.userID, lifetime: TokenSigner.impersonationLifetime)
        await activity.record(
            .auth, "Impersonation démarrée", level: .warn, metadata: ["super_admin": identity.email, "client": client.name, "token_id": issued.id],
            clientID: clientID, userID: identity.userID, ip: ip)
        return Impersonation(accessToken: issued.token, expiresIn: Int(TokenSigner.impersonationLifetime), clientID: clientID, clientName: client.name)
    }
}
