import OptralisCore
import OptralisServer

/// The agent service's settings, read from the environment (see docs/configuration.md).
public struct AgentConfiguration: Sendable {
    public var address: ListenAddress

    public init(environment variables: [String: String]) throws(ConfigurationError) {
        var reader = EnvironmentReader(variables)
        address = ListenAddress(host: reader.string("AGENT_STATUS_ADDRESS", default: "127.0.0.1"), port: reader.port("AGENT_STATUS_PORT", default: 9464))
        try reader.validate()
    }
}
