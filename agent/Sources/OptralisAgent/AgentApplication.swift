import Hummingbird
import Logging
import OptralisServer

/// The agent service's composition root.
public func buildAgentApplication(configuration: AgentConfiguration, logger: Logger) -> some ApplicationProtocol {
    return ServiceApplicationBuilder<ServiceRequestContext>(
        service: "agent", address: configuration.address, database: nil, redis: nil,
        redisUse: .none, logger: logger
    ).build()
}
