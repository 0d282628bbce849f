import Foundation
import Hummingbird
import OptralisCore
import OptralisRedis

/// `POST /api/public/bootstrap`: an installer trades an install token for the machine's own
/// mTLS certificate. The machine is found (hardware id, then host name) or created within the
/// licence's limit, and the ca issues its certificate.
struct BootstrapController {
    let tokens: InstallTokenRepository
    let machines: EnrolmentRepository
    let ca: CAClient
    let activity: ActivityLogger
    let limiter: RateLimiter
    let cache: FleetCache
    /// Where the enrolled agent posts (`AGENT_PUBLIC_URL`).
    let agentAPIURL: String

    struct Request: Decodable {
        let token: String
        let arch: String
        let hostname: String
        let hardwareID: String?
        let os: String?
        let osVersion: String?
        let agentVersion: String?
        enum CodingKeys: String, CodingKey {
            case token, arch, hostname, os, hardwareID = "hardware_id", osVersion = "os_version", agentVersion = "agent_version"
        }
    }
    struct Enrolled: ResponseEncodable {
        let clientID: UUID
        let machineID: UUID
        let certificate: String
        let privateKey: String
        let caCertificate: String
        let expiresAt: Date
        let agentAPIURL: String
        enum CodingKeys: String, CodingKey {
            case certificate, clientID = "client_id", machineID = "machine_id", privateKey = "private_key", caCertificate = "ca_certificate", expiresAt = "expires_at",
                agentAPIURL = "agent_api_url"
        }
    }

    func addRoutes(to router: Router<APIRequestContext>) {
        router.group("api/public/bootstrap").add(middleware: RateLimitMiddleware(limiter: limiter, scope: "bootstrap")).post { request, context -> Enrolled in
            let body = try await request.decode(as: Request.self, context: context)
            guard AgentCatalogController.architectures.contains(body.arch) else { throw APIError.validation("arch must be amd64 or arm64") }
            let hostname = body.hostname.trimmingCharacters(in: .whitespaces)
            guard (1...253).contains(hostname.unicodeScalars.count), hostname.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }) else {
                throw APIError.validation("hostname must be 1 to 253 letters, digits, dots, hyphens or underscores (RFC 1123)")
            }
            guard let clientID = try await tokens.consume(tokenHash: SecureToken.sha256Hex(body.token)) else {
                await activity.record(.machine, "Enrôlement refusé : token invalide", level: .warn, metadata: ["hostname": hostname], ip: context.clientIP)
                throw AppError.unauthorized("invalid, expired or used-up install token", code: "INVALID_INSTALL_TOKEN")
            }
            let machine = try await machines.findOrCreate(
                clientID: clientID,
                .init(hostname: hostname, hardwareID: body.hardwareID, os: body.os, osVersion: body.osVersion, architecture: body.arch, agentVersion: body.agentVersion))
            if machine.created { await cache.invalidateMachines(clientID: clientID) }
            let bundle = try await ca.issue(clientID: clientID, machineID: machine.id, createdBy: nil, renewal: false)
            await activity.record(
                .certificate, machine.created ? "Machine enrôlée" : "Machine ré-enrôlée",
                metadata: ["hostname": hostname, "serial": bundle.serial], clientID: clientID, ip: context.clientIP)
            return Enrolled(
                clientID: clientID, machineID: machine.id, certificate: bundle.certificate, privateKey: bundle.privateKey,
                caCertificate: bundle.caCertificate, expiresAt: bundle.expiresAt, agentAPIURL: agentAPIURL)
        }
    }
}
