import Foundation
import Hummingbird
import OptralisCore
import OptralisServer

/// The installers (spec "Installeur Personnalisé"). Public, generic, asking for the install token
/// (or reading `OPTRALIS_INSTALL_TOKEN`): `GET /install.sh` (Linux) and `GET /install.ps1`
/// (Windows PowerShell). For admins, the same script with a fresh token of the user's client
/// (60 minutes, single use unless `?max_usage=` asks for more, 0 for unlimited) and the agents'
/// CA written in: `GET /api/installer/linux/:arch` and `GET /api/installer/windows` (the spec's
/// self-extracting `.exe` is a `.ps1` here: no Windows build can be made on this toolchain).
struct InstallerController {
    let issuer: InstallTokenIssuer
    let ca: CAClient
    let publicURL: String

    func addPublicRoutes(to router: Router<APIRequestContext>) {
        router.get("/install.sh") { _, _ in script(LinuxInstallerScript.render(server: publicURL), type: .shell, filename: nil) }
        router.get("/install.ps1") { _, _ in script(WindowsInstallerScript.render(server: publicURL), type: .powershell, filename: nil) }
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("linux/:arch") { request, context -> Response in
            let minter = try InstallTokenIssuer.Minter(context)
            let architecture = try context.parameters.decoded("arch")
            guard AgentCatalog.architectures.contains(architecture) else {
                throw APIError.validation("architecture must be amd64 or arm64")
            }
            let (token, authority) = try await mint(request, context, minter, platform: "linux", name: "Installer linux/\(architecture)")
            return script(
                LinuxInstallerScript.render(server: publicURL, token: token, architecture: architecture, caCertificate: authority),
                type: .shell, filename: "optralis-install-linux-\(architecture).sh")
        }
        group.get("windows") { request, context -> Response in
            let (token, authority) = try await mint(request, context, try InstallTokenIssuer.Minter(context), platform: "windows", name: "Installer windows")
            return script(
                WindowsInstallerScript.render(server: publicURL, token: token, caCertificate: authority),
                type: .powershell, filename: "optralis-install-windows.ps1")
        }
    }

    /// A fresh token for a downloaded installer, and the agents' CA.
    private func mint(
        _ request: Request, _ context: APIRequestContext, _ minter: InstallTokenIssuer.Minter, platform: String, name: String
    ) async throws -> (token: String, ca: String) {
        let maxUsage = try request.uri.queryParameters.integer("max_usage", default: 1, in: 0...10_000)
        let authority = try await ca.certificate()
        let minted = try await issuer.mint(
            clientID: minter.clientID, userID: minter.identity.userID, name: name, platform: platform, minutes: 60, maxUsage: maxUsage,
            ip: context.clientIP)
        return (minted.secret, authority)
    }

    private enum ScriptType: String {
        case shell = "text/x-shellscript; charset=utf-8"
        /// Plain text: `Invoke-RestMethod` hands a `text/*` body to `iex` as a string.
        case powershell = "text/plain; charset=utf-8"
    }

    private func script(_ text: String, type: ScriptType, filename: String?) -> Response {
        var headers: HTTPFields = [.contentType: type.rawValue, .cacheControl: "no-store"]
        if let filename { headers[.contentDisposition] = "attachment; filename=\"\(filename)\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
