import Foundation
import Hummingbird
import Logging
import NIOSSL
import OptralisPostgres
import PostgresNIO
import X509

/// Authenticates agents on the mTLS port. TLS already checked the chain against the Optralis CA
/// (a connection without a valid client certificate never gets here); this reads
/// `client_id:machine_id` from the CN and refuses a certificate that is revoked, superseded by a
/// renewal more than 24 hours ago, or unknown, since NIOSSL has no CRL check
/// (``CertificateStatusCache``: Redis over PostgreSQL).
struct AgentAuthMiddleware: RouterMiddleware {
    typealias Context = AgentRequestContext
    let statuses: CertificateStatusCache
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        guard let peer = try await context.channel.nioSSL_peerCertificate().get() else { throw AgentError.unauthenticated }
        let certificate = try Certificate(derEncoded: try peer.toDERBytes())
        let commonName = certificate.subject.compactMap { rdn in rdn.first { $0.type == .RDNAttributeType.commonName } }
            .first.map { String(describing: $0.value) }
        let parts = commonName?.split(separator: ":") ?? []
        guard parts.count == 2, let clientID = UUID(uuidString: String(parts[0])), let machineID = UUID(uuidString: String(parts[1])) else {
            throw AgentError.legacy
        }
        let serial = certificate.serialNumber.bytes.drop { $0 == 0 }.map { String(format: "%02x", $0) }.joined()
        guard try await statuses.isCurrent(serial: serial, clientID: clientID, machineID: machineID) else {
            logger.warning("agent certificate refused", metadata: ["serial": "\(serial)", "optralis.machine_id": "\(machineID)"])
            throw AgentError.revoked
        }
        context.agent = AgentIdentity(clientID: clientID, machineID: machineID, serial: serial, expiresAt: certificate.notValidAfter)
        context.logger[metadataKey: "optralis.client_id"] = .string(clientID.uuidString.lowercased())
        context.logger[metadataKey: "optralis.machine_id"] = .string(machineID.uuidString.lowercased())
        return try await next(request, context)
    }
}
