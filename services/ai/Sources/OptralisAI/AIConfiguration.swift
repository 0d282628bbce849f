import OptralisCore
import OptralisPostgres
import OptralisRedis
import OptralisServer

/// The ai service's settings, read from the environment (see docs/configuration.md).
public struct AIConfiguration: Sendable {
    public var address: ListenAddress
    public var databaseURL: DatabaseURL
    public var redisURL: RedisURL
    public var internalServiceToken: String

    public init(environment variables: [String: String]) throws(ConfigurationError) {
        var reader = EnvironmentReader(variables)
        address = reader.listenAddress(portVariable: "AI_PORT", defaultPort: 3002)
        databaseURL = reader.databaseURL()
        redisURL = reader.redisURL(required: true) ?? RedisURL(host: "")
        internalServiceToken = reader.internalServiceToken()
        try reader.validate()
    }
}
