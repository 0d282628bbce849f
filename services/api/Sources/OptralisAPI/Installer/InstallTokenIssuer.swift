import Foundation

/// Makes install tokens: 256 random bits shown once (base64url, 43 characters), only their
/// SHA-256 stored. Used by `/api/install-tokens` and the downloadable installers.
struct InstallTokenIssuer: Sendable {
    let tokens: InstallTokenStore
    let activity: ActivityLogger

    struct Minted: Sendable {
        let secret: String
        let stored: InstallTokenStore.Token
    }

    /// `maxUsage` 0 is unlimited; `allowReenrolment` lets the token re-bind a live machine.
    func mint(
        clientID: UUID, userID: UUID, name: String, platform: String, minutes: Int, maxUsage: Int, allowReenrolment: Bool = false, ip: String?
    ) async throws -> Minted {
        let secret = SecureToken.random(bytes: 32)
        let stored = try await tokens.insert(
            clientID: clientID, tokenHash: SecureToken.sha256Hex(secret), name: name, platform: platform, minutes: minutes, maxUsage: maxUsage,
            allowReenrolment: allowReenrolment, createdBy: userID)
        await activity.record(
            .machine, "Token d'installation créé",
            metadata: ["name": name, "minutes": String(minutes), "max_usage": String(maxUsage), "allow_reenrolment": String(allowReenrolment)],
            clientID: clientID, userID: userID, ip: ip)
        return Minted(secret: secret, stored: stored)
    }
}

extension InstallTokenIssuer {
    /// Who may mint through a GET (an installer download, `GET /api/install-tokens/windows/active`):
    /// an admin of a client. The observers' read-only rule stops writes by method only, and
    /// observers must not make tokens (issue 17, item 1), so these routes check it here.
    struct Minter {
        let identity: Identity
        let clientID: UUID

        init(_ context: APIRequestContext) throws {
            identity = try context.requireIdentity()
            clientID = try identity.requireClient()
            guard identity.role.canWrite else { throw APIError.forbidden("this creates an install token: admins only") }
        }
    }
}
