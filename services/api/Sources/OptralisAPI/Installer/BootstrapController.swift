import Foundation
import Hummingbird
import OptralisCore
import OptralisRedis

/// `POST /api/public/bootstrap`: an installer trades an install token for the machine's own
/// mTLS certificate. The machine is found (hardware id, then host name) or created within the
/// licence's limit, and the ca issues its certificate.
///
/// Finding an existing machine re-binds it to the new agent, whose certificate replaces the old
/// one at once (no grace: that is a renewal's). A live machine (valid certificate, seen within
/// 10 minutes) is only re-bound with a token an admin made with `allow_reenrolment`; otherwise
/// 409 `MACHINE_ACTIVE` and the token's use is not spent. Every re-binding is in the activity
/// log and emailed to the client's admins.
struct BootstrapController {
    let machines: EnrolmentStore
    let ca: CAClient
    let activity: ActivityLogger
    let notice: ReenrolmentNotice
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
            case certificate, clientID = "client_id", machineID = "machine_id", privateKey = "private_key", caCertificate = "ca_certificate", expiresAt =
                "expires_at",
                agentAPIURL = "agent_api_url"
        }
    }

    func addRoutes(to router: Router<APIRequestContext>) {
        router.group("api/public/bootstrap").add(middleware: RateLimitMiddleware(limiter: limiter, scope: "bootstrap")).post { request, context -> Enrolled in
            let body = try await request.decode(as: Request.self, context: context)
            guard AgentCatalog.architectures.contains(body.arch) else { throw APIError.validation("arch must be amd64 or arm64") }
            let hostname = body.hostname.trimmingCharacters(in: .whitespaces)
            guard (1...253).contains(hostname.unicodeScalars.count), hostname.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" })
            else {
                throw APIError.validation("hostname must be 1 to 253 letters, digits, dots, hyphens or underscores (RFC 1123)")
            }
            let outcome = try await machines.enrol(
                tokenHash: SecureToken.sha256Hex(body.token),
                .init(
                    hostname: hostname, hardwareID: body.hardwareID, os: body.os, osVersion: body.osVersion, architecture: body.arch,
                    agentVersion: body.agentVersion))
            let enrolled: EnrolmentStore.Enrolled
            switch outcome {
            case .invalidToken:
                await activity.record(.machine, "Enrôlement refusé : token invalide", level: .warn, metadata: ["hostname": hostname], ip: context.clientIP)
                throw InstallerError.invalidInstallToken
            case .machineActive(let machineID, let token):
                await activity.record(
                    .machine, "Ré-enrôlement refusé : machine active", level: .warn,
                    metadata: ["hostname": hostname, "machine_id": machineID.uuidString.lowercased(), "token_id": token.id.uuidString.lowercased()],
                    clientID: token.clientID, ip: context.clientIP)
                throw InstallerError.machineActive
            case .enrolled(let result):
                enrolled = result
            }
            let clientID = enrolled.token.clientID
            if enrolled.created { await cache.invalidateMachines(clientID: clientID) }
            let bundle = try await ca.issue(clientID: clientID, machineID: enrolled.machineID, createdBy: nil, renewal: false)
            if enrolled.created {
                await activity.record(
                    .certificate, "Machine enrôlée", metadata: ["hostname": hostname, "serial": bundle.serial], clientID: clientID, ip: context.clientIP)
            } else {
                await activity.record(
                    .certificate, "Machine ré-enrôlée", level: .warn,
                    metadata: [
                        "hostname": hostname, "serial": bundle.serial, "machine_id": enrolled.machineID.uuidString.lowercased(),
                        "token_id": enrolled.token.id.uuidString.lowercased(), "token_name": enrolled.token.name, "was_active": String(enrolled.wasActive),
                    ],
                    clientID: clientID, ip: context.clientIP)
                await notice.send(
                    .init(
                        clientID: clientID, machineID: enrolled.machineID, hostname: hostname, tokenName: enrolled.token.name, wasActive: enrolled.wasActive,
                        ip: context.clientIP, at: Date()))
            }
            return Enrolled(
                clientID: clientID, machineID: enrolled.machineID, certificate: bundle.certificate, privateKey: bundle.privateKey,
                caCertificate: bundle.caCertificate, expiresAt: bundle.expiresAt, agentAPIURL: agentAPIURL)
        }
    }
}
