import Foundation
import Hummingbird
import OptralisCore
import OptralisServer

/// The Linux installers (spec "Installeur Personnalisé"): `GET /install.sh`, public, asks for
/// the install token (or reads `OPTRALIS_INSTALL_TOKEN`); `GET /api/installer/linux/:arch`
/// (admins) is the same script with a fresh token of the user's client (60 minutes, single use
/// unless `?max_usage=` asks for more, 0 for unlimited), the architecture and the agents' CA
/// written in.
struct InstallerController {
    let issuer: InstallTokenIssuer
    let ca: CAClient
    let publicURL: String

    func addPublicRoutes(to router: Router<APIRequestContext>) {
        router.get("/install.sh") { _, _ in script(LinuxInstallerScript.render(server: publicURL), filename: nil) }
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("linux/:arch") { request, context -> Response in
            let identity = try context.requireIdentity()
            let clientID = try identity.requireClient()
            // A GET, so the observers' read-only rule does not stop it, but it mints a token.
            guard identity.role.canWrite else { throw APIError.forbidden("an installer carries a new install token: admins only") }
            let architecture = try context.parameters.decoded("arch")
            guard AgentCatalogController.architectures.contains(architecture) else {
                throw APIError.validation("architecture must be amd64 or arm64")
            }
            let maxUsage = try request.uri.queryParameters.integer("max_usage", default: 1, in: 0...10_000)
            let authority = try await ca.certificate()
            let minted = try await issuer.mint(
                clientID: clientID, userID: identity.userID, name: "Installer linux/\(architecture)", platform: "linux", minutes: 60,
                maxUsage: maxUsage, ip: context.clientIP)
            return script(
                LinuxInstallerScript.render(server: publicURL, token: minted.secret, architecture: architecture, caCertificate: authority),
                filename: "optralis-install-linux-\(architecture).sh")
        }
    }

    private func script(_ text: String, filename: String?) -> Response {
        var headers: HTTPFields = [.contentType: "text/x-shellscript; charset=utf-8", .cacheControl: "no-store"]
        if let filename { headers[.contentDisposition] = "attachment; filename=\"\(filename)\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
