import Foundation
import Hummingbird
import Logging

/// Authenticates agents on the mTLS port. TLS already checked the chain against the Optralis CA
/// (a connection without a valid client certificate never gets here); this reads
/// `client_id:machine_id` from the CN (once per connection: ``ConnectionIdentities``) and
/// refuses a certificate that is revoked, superseded by a renewal more than 24 hours ago, or
/// unknown, since NIOSSL has no CRL check (``CertificateStatusCache``: Redis over PostgreSQL).
struct AgentAuthMiddleware: RouterMiddleware {
    typealias Context = AgentRequestContext
    let statuses: CertificateStatusCache
    let identities: ConnectionIdentities
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        guard let agent = try await identities.identity(of: context.channel) else { throw AgentError.unauthenticated }
        guard try await statuses.isCurrent(serial: agent.serial, clientID: agent.clientID, machineID: agent.machineID) else {
            logger.warning("agent certificate refused", metadata: ["serial": "\(agent.serial)", "optralis.machine_id": "\(agent.machineID)"])
            throw AgentError.revoked
        }
        context.agent = agent
        context.logger[metadataKey: "optralis.client_id"] = agent.logClientID
        context.logger[metadataKey: "optralis.machine_id"] = agent.logMachineID
        return try await next(request, context)
    }
}
