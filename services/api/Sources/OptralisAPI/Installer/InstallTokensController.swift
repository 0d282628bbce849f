import Foundation
import Hummingbird
import OptralisCore

/// `/api/install-tokens`: an admin makes a short-lived token an installer uses once (or as many
/// times as `max_usage` says) to enrol machines. The token is shown once; only its SHA-256 is
/// kept. Only a token made with `allow_reenrolment` may re-bind a live machine (see
/// ``BootstrapController``). The install commands never carry the token: the script (`install.sh`,
/// `install.ps1`) asks for it without echo (or reads `OPTRALIS_INSTALL_TOKEN`), so it stays out of
/// process lists and shell history. `GET windows/active` makes a Windows token (admins).
struct InstallTokensController {
    let tokens: InstallTokenStore
    let issuer: InstallTokenIssuer
    let activity: ActivityLogger
    let publicURL: String

    struct CreateRequest: Decodable {
        let name: String?
        let durationMinutes: Int?
        let maxUsage: Int?
        let platform: String?
        let allowReenrolment: Bool?
        enum CodingKeys: String, CodingKey {
            case name, platform, durationMinutes = "duration_minutes", maxUsage = "max_usage", allowReenrolment = "allow_reenrolment"
        }
    }
    struct CreatedToken: Encodable {
        let id: UUID
        let token: String
        let name: String
        let platform: String
        let expiresAt: Date
        let maxUsage: Int
        let usageCount: Int
        let allowReenrolment: Bool
        enum CodingKeys: String, CodingKey {
            case id, token, name, platform, expiresAt = "expires_at", maxUsage = "max_usage", usageCount = "usage_count"
            case allowReenrolment = "allow_reenrolment"
        }
    }
    struct Created: ResponseEncodable {
        let token: CreatedToken
        let curlCommand: String
        let powershellCommand: String
        enum CodingKeys: String, CodingKey { case token, curlCommand = "curl_command", powershellCommand = "powershell_command" }
    }
    struct TokenList: ResponseEncodable { let tokens: [InstallTokenStore.Token] }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get { _, context in TokenList(tokens: try await tokens.active(clientID: try context.requireIdentity().requireClient())) }
        group.post { request, context -> Created in
            let identity = try context.requireIdentity()
            let clientID = try identity.requireClient()
            let body = try await request.decode(as: CreateRequest.self, context: context)
            let minutes = body.durationMinutes ?? 15
            guard (1...60).contains(minutes) else { throw APIError.validation("duration_minutes must be between 1 and 60") }
            let maxUsage = body.maxUsage ?? 1
            guard (0...10_000).contains(maxUsage) else { throw APIError.validation("max_usage must be between 0 (unlimited) and 10000") }
            let platform = body.platform ?? "any"
            guard ["any", "linux", "windows"].contains(platform) else { throw APIError.validation("platform must be any, linux or windows") }
            let name = try Validation.name(body.name, field: "name") ?? ""
            let minted = try await issuer.mint(
                clientID: clientID, userID: identity.userID, name: name, platform: platform, minutes: minutes, maxUsage: maxUsage,
                allowReenrolment: body.allowReenrolment ?? false, ip: context.clientIP)
            return created(minted)
        }
        // The spec's "active Windows token (for the EXE)". Only a token's SHA-256 is kept, so no
        // existing token can be handed back: each call makes a Windows token, as a downloaded
        // installer does; admins only (``InstallTokenIssuer/Minter``).
        group.get("windows/active") { request, context -> Created in
            let minter = try InstallTokenIssuer.Minter(context)
            let query = request.uri.queryParameters
            let minutes = try query.integer("duration_minutes", default: 60, in: 1...60)
            let maxUsage = try query.integer("max_usage", default: 1, in: 0...10_000)
            let minted = try await issuer.mint(
                clientID: minter.clientID, userID: minter.identity.userID, name: "Windows", platform: "windows", minutes: minutes, maxUsage: maxUsage,
                ip: context.clientIP)
            return created(minted)
        }
        group.delete(":id") { _, context -> HTTPResponse.Status in
            let identity = try context.requireIdentity()
            let clientID = try identity.requireClient()
            guard try await tokens.revoke(id: try context.parameters.require("id", as: UUID.self), clientID: clientID) else {
                throw APIError.notFound("install token")
            }
            await activity.record(.machine, "Token d'installation révoqué", clientID: clientID, userID: identity.userID, ip: context.clientIP)
            return .noContent
        }
    }
}

extension InstallTokensController {
    /// The secret, shown this once, and the install commands, which never carry it.
    func created(_ minted: InstallTokenIssuer.Minted) -> Created {
        let stored = minted.stored
        return Created(
            token: CreatedToken(
                id: stored.id, token: minted.secret, name: stored.name, platform: stored.platform, expiresAt: stored.expiresAt,
                maxUsage: stored.maxUsage, usageCount: stored.usageCount, allowReenrolment: stored.allowReenrolment),
            curlCommand: "curl -fsSL \(publicURL)/install.sh | sudo sh", powershellCommand: WindowsInstallerScript.command(server: publicURL))
    }
}

extension InstallTokenStore.Token: ResponseEncodable {}
