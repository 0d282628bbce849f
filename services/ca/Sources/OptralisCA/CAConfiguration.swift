import OptralisCore
import OptralisPostgres
import OptralisServer

/// The ca service's settings, read from the environment (see docs/configuration.md).
public struct CAConfiguration: Sendable {
    public var address: ListenAddress
    public var databaseURL: DatabaseURL
    public var internalServiceToken: String

    public init(environment variables: [String: String]) throws(ConfigurationError) {
        var reader = EnvironmentReader(variables)
        address = reader.listenAddress(portVariable: "CA_PORT", defaultPort: 3005)
        databaseURL = reader.databaseURL()
        internalServiceToken = reader.internalServiceToken()
        try reader.validate()
    }
}
