import Hummingbird
import Logging
import OptralisServer

/// The agent service's composition root.
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
        builder.application(router: makeRouter())
    }
}
