import OptralisCore
import OptralisPostgres
import OptralisServer

/// The ca service's settings, read from the environment (see docs/configuration.md).
public struct CAConfiguration: Sendable {
    public var address: ListenAddress
    public var databaseURL: DatabaseURL
    /// `CA_SERVICE_TOKEN` (see `EnvironmentReader.caServiceToken(in:)`).
    public var serviceToken: String
    /// `CA_DIR`: where the CA key (mode 0600) and certificate live; created on first start.
    public var directory: String

    public init(environment variables: [String: String]) throws(ConfigurationError) {
        var reader = EnvironmentReader(variables)
        address = reader.listenAddress(portVariable: "CA_PORT", defaultPort: 3005)
        databaseURL = reader.databaseURL()
        serviceToken = reader.caServiceToken(in: reader.deploymentEnvironment())
        directory = reader.required("CA_DIR", hint: "directory of the CA key and certificate, e.g. /var/lib/optralis/ca")
        try reader.validate()
    }
}
