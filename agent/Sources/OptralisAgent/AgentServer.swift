import Hummingbird
import Logging
import OptralisCurl
import OptralisServer

/// The agent's composition root: the local status server (`/health`, `/metrics` on loopback)
/// with the collection loop as its worker.
public struct AgentServer: Sendable {
    public let configuration: AgentConfiguration
    let builder: ServiceApplicationBuilder<ServiceRequestContext>

    public init(configuration: AgentConfiguration, logger: Logger) {
        self.configuration = configuration
        builder = .init(service: "agent", address: configuration.address, database: nil, redis: nil, redisUse: .none, logger: logger)
    }

    public func makeRouter() -> Router<ServiceRequestContext> {
        builder.router()
    }

    public func makeApplication() -> some ApplicationProtocol {
        // One transfer at a time: every post, heartbeat and sync shares one kept-alive connection.
        let http = CurlClient(concurrency: 1)
        let loop = AgentLoop(files: configuration.files, enrolment: configuration.enrolment, http: http, logger: builder.logger)
        return builder.application(router: makeRouter(), workers: [CurlService(client: http), loop])
    }
}
