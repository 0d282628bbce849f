import OptralisCore
import OptralisRedis
import OptralisServer

/// The web service's settings, read from the environment (see docs/configuration.md).
public struct WebConfiguration: Sendable {
    public var address: ListenAddress
    /// `API_SERVICE_URL`: the api every page reads from, with the user's own tokens.
    public var apiURL: String
    /// `REDIS_URL`: the sessions (the user's tokens stay server-side).
    public var redisURL: RedisURL
    public var environment: DeploymentEnvironment
    /// `OPTRALIS_WEB_DIR`: the templates, locales and static files (`services/web/Resources`).
    public var resourcesDirectory: String
    /// `TRUST_PROXY_HEADERS`: believe `X-Real-IP` / `X-Forwarded-For` (behind Caddy).
    public var trustProxyHeaders: Bool

    public init(environment variables: [String: String]) throws(ConfigurationError) {
        var reader = EnvironmentReader(variables)
        address = reader.listenAddress(portVariable: "WEB_PORT", defaultPort: 3001)
        apiURL = reader.string("API_SERVICE_URL", default: "http://127.0.0.1:3000")
        redisURL = reader.redisURL(required: true) ?? RedisURL(host: "invalid")
        environment = reader.deploymentEnvironment()
        trustProxyHeaders = reader.bool("TRUST_PROXY_HEADERS", default: false)
        let located = ProjectFiles.locate("services/web/Resources", override: variables["OPTRALIS_WEB_DIR"], containerPath: "/app/web")
        if located == nil { reader.report("OPTRALIS_WEB_DIR", "the web resources (templates, locales, static files) were not found; set it") }
        resourcesDirectory = located ?? ""
        try reader.validate()
    }
}
