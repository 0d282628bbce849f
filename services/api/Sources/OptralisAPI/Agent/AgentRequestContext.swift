import Foundation
import Hummingbird
import Logging
import OptralisServer
import NIOCore

/// The request context of the agents' mTLS port: the connection (for the peer certificate) and
/// the machine its certificate names.
public struct AgentRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel
    /// Set by ``AgentAuthMiddleware``.
    var agent: AgentIdentity?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    public var maxUploadSize: Int { 10 * 1024 * 1024 }
    public var requestDecoder: OptralisRequestDecoder { .init() }
    public var responseEncoder: OptralisResponseEncoder { .init() }

    func requireAgent() throws -> AgentIdentity {
        guard let agent else { throw AgentError.unauthenticated }
        return agent
    }
}

/// The machine behind a verified client certificate (CN `client_id:machine_id`).
struct AgentIdentity: Sendable {
    let clientID: UUID
    let machineID: UUID
    let serial: String
    let expiresAt: Date
    /// The ids as the logs write them, made once per connection.
    let logClientID: Logger.MetadataValue
    let logMachineID: Logger.MetadataValue

    init(clientID: UUID, machineID: UUID, serial: String, expiresAt: Date) {
        (self.clientID, self.machineID, self.serial, self.expiresAt) = (clientID, machineID, serial, expiresAt)
        logClientID = .string(clientID.uuidString.lowercased())
        logMachineID = .string(machineID.uuidString.lowercased())
    }
}
