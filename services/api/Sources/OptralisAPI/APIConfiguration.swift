import OptralisCore
import OptralisPostgres
import OptralisRedis
import OptralisServer

/// The api's settings, read from the environment (see docs/configuration.md).
public struct APIConfiguration: Sendable {
    public var address: ListenAddress
    public var databaseURL: DatabaseURL
    /// Optional: without Redis the api keeps serving (cache, rate limits and blacklist fall back).
    public var redisURL: RedisURL?
    public var jwtSecret: String
    public var internalServiceToken: String
    public var environment: DeploymentEnvironment
    public var migrationsDirectory: String?
    public var openAPIPath: String?
    /// The first super_admin, created at start-up while none exists (`make run` generates it).
    public var initialAdmin: InitialAdmin?

    public init(environment variables: [String: String]) throws(ConfigurationError) {
        var reader = EnvironmentReader(variables)
        address = reader.listenAddress(portVariable: "PORT", defaultPort: 3000)
        databaseURL = reader.databaseURL()
        redisURL = reader.redisURL(required: false)
        jwtSecret = reader.required("JWT_SECRET", minimumLength: 32, hint: "signs user tokens; e.g. `openssl rand -hex 32`")
        internalServiceToken = reader.internalServiceToken()
        environment = reader.deploymentEnvironment()
        migrationsDirectory = Migration.defaultDirectory(environment: variables)
        initialAdmin = InitialAdmin.read(from: &reader)
        openAPIPath = ProjectFiles.locate("docs/openapi.yaml", override: reader.value("OPTRALIS_OPENAPI_PATH"), containerPath: "/app/openapi.yaml")
        try reader.validate()
    }
}

/// Only what `optralis-api migrate` needs: the database.
public struct MigrateConfiguration: Sendable {
    public var databaseURL: DatabaseURL
    public var migrationsDirectory: String?

    public init(environment variables: [String: String]) throws(ConfigurationError) {
        var reader = EnvironmentReader(variables)
        databaseURL = reader.databaseURL()
        migrationsDirectory = Migration.defaultDirectory(environment: variables)
        try reader.validate()
    }
}
