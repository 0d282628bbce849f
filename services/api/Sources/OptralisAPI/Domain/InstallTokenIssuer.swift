import Foundation

/// Makes install tokens: 256 random bits shown once (base64url, 43 characters), only their
/// SHA-256 stored. Used by `/api/install-tokens` and the downloadable installers.
struct InstallTokenIssuer: Sendable {
    let tokens: InstallTokenRepository
    let activity: ActivityLogger

    struct Minted: Sendable {
        let secret: String
        let stored: InstallTokenRepository.Token
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
