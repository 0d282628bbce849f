import OptralisCore
import OptralisPostgres
import OptralisRedis
import OptralisServer

/// The notifier service's settings, read from the environment (see docs/configuration.md).
public struct NotifierConfiguration: Sendable {
    public var address: ListenAddress
    public var databaseURL: DatabaseURL
    public var redisURL: RedisURL

    public init(environment variables: [String: String]) throws(ConfigurationError) {
        var reader = EnvironmentReader(variables)
        address = reader.listenAddress(portVariable: "NOTIFIER_PORT", defaultPort: 3003)
        databaseURL = reader.databaseURL()
        redisURL = reader.redisURL(required: true) ?? RedisURL(host: "")
        try reader.validate()
    }
}
