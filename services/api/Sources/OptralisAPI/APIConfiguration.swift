import Crypto
import Foundation
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
    /// `DATABASE_CREDENTIALS_KEY`: 64 hex digits (32 bytes), the AES-256-GCM key of the monitored
    /// databases' passwords (`/api/databases`). Required: changing it makes the stored passwords
    /// unreadable (each must be entered again).
    public var databaseCredentialsKey: String
    /// The sealer made from `DATABASE_CREDENTIALS_KEY`.
    var credentialSealer: CredentialSealer
    public var internalServiceToken: String
    /// `CA_SERVICE_TOKEN`: what the api presents to the ca (see `EnvironmentReader.caServiceToken(in:)`).
    public var caServiceToken: String
    public var environment: DeploymentEnvironment
    public var migrationsDirectory: String?
    public var openAPIPath: String?
    /// The first super_admin, created at start-up while none exists (`make run` generates it).
    public var initialAdmin: InitialAdmin?
    /// `CORS_ALLOWED_ORIGINS`, comma-separated; empty allows any origin in development only.
    public var corsAllowedOrigins: Set<String>
    /// `PUBLIC_URL`: the dashboard address put in emailed links.
    public var publicURL: String
    /// `TRUST_PROXY_HEADERS`: take the client IP from `X-Real-IP`/`X-Forwarded-For` (behind Caddy).
    public var trustProxyHeaders: Bool
    /// `AUTH_RATE_LIMIT` per `AUTH_RATE_LIMIT_WINDOW_SECONDS` on each auth route: failed logins
    /// and MFA codes per (IP, account), refreshes per token family, the other routes per IP.
    public var authRateLimit: Int
    /// `AUTH_RATE_LIMIT_PER_IP`: every login and MFA verification of one IP, per window.
    public var authRateLimitPerIP: Int
    public var authRateLimitWindowSeconds: Int
    /// `CA_SERVICE_URL`: the ca's internal API (certificates at enrolment).
    public var caServiceURL: String
    /// The agents' mTLS port, when `AGENT_TLS_CERT_FILE`, `AGENT_TLS_KEY_FILE` and
    /// `AGENT_TLS_CA_FILE` are all set (`AGENT_TLS_PORT`, default 8443).
    var agentTLS: AgentGateway.Files?
    public var agentTLSPort: Int
    /// `AGENT_TLS_HANDSHAKE_LIMIT`: TLS handshakes in progress at once on the agents' port; a
    /// connection above it waits for a place (0: no limit). See docs/ingestion.md.
    public var agentHandshakeLimit: Int
    /// `AGENT_TLS_HANDSHAKE_WAIT_SECONDS`: how long a connection over the handshake limit waits
    /// for a place before it is closed (0: closed at once). At most 8: the agent gives up a
    /// connection whose TLS handshake has not completed within 10 s.
    public var agentHandshakeWaitSeconds: Int
    /// `AGENT_RECONNECT_RATE`: agents per second the gateway takes back after a restart; the
    /// fleet's size over it is the reconnect window handed to agents.
    public var agentReconnectRate: Int
    /// `APM_INGEST_REQUESTS_PER_MINUTE`: OTLP requests (`/v1/traces`, `/v1/metrics`) one APM
    /// application may send a minute; past it 429 with `Retry-After` (docs/apm.md).
    public var apmIngestRequestsPerMinute: Int
    /// Where agents reach the mTLS port (`AGENT_PUBLIC_URL`; default: `PUBLIC_URL`'s host on
    /// `AGENT_TLS_PORT`, https), returned at enrolment.
    public var agentPublicURL: String
    /// `CONTACT_EMAIL`: where the website's contact form goes; unset, the form answers 503.
    public var contactEmail: String?
    /// `TURNSTILE_SECRET_KEY`: when set, the contact form needs a valid Turnstile token, checked
    /// at `TURNSTILE_VERIFY_URL` (Cloudflare's by default).
    public var turnstileSecret: String?
    public var turnstileVerifyURL: String
    /// `AGENT_DOWNLOADS_DIR`: the agent builds and their metadata files, served at `/downloads`.
    public var agentDownloadsDirectory: String
    /// `WINDOWS_BUILDS_URLS`, comma-separated: the endoflife.date feeds the Windows builds refresh reads.
    public var windowsBuildFeeds: [String]
    /// `UPTIMEROBOT_API_KEY`: when set, `GET /status/external` reads the account's monitors from
    /// UptimeRobot at `UPTIMEROBOT_API_URL` (its API v2 by default), waiting at most
    /// `UPTIMEROBOT_TIMEOUT_SECONDS` (10); unset, the route answers `configured: false`.
    public var uptimeRobotAPIKey: String?
    public var uptimeRobotAPIURL: String
    public var uptimeRobotTimeoutSeconds: Int
    /// `DOCKER_SOCKET`: the Docker Engine's unix socket (`/var/run/docker.sock`), for the
    /// super_admin's `/api/admin/docker/containers` routes; unset, they answer 503
    /// `DOCKER_NOT_CONFIGURED` (404). `DOCKER_API_VERSION` (1.44) prefixes the engine's paths.
    public var dockerSocket: String?
    public var dockerAPIVersion: String
    /// `AI_SERVICE_URL`: the AI service that `/api/ai/<path>` forwards to.
    public var aiServiceURL: String
    /// `CACHE_KEY_PREFIX`: put before every cache key, when installations share one Redis.
    public var cacheKeyPrefix: String

    public init(environment variables: [String: String]) throws(ConfigurationError) {
        var reader = EnvironmentReader(variables)
        address = reader.listenAddress(portVariable: "PORT", defaultPort: 3000)
        databaseURL = reader.databaseURL()
        redisURL = reader.redisURL(required: false)
        jwtSecret = reader.required("JWT_SECRET", minimumLength: 32, hint: "signs user tokens; e.g. `openssl rand -hex 32`")
        databaseCredentialsKey = reader.required(
            "DATABASE_CREDENTIALS_KEY", minimumLength: 64, hint: "encrypts the monitored databases' passwords; 64 hex digits, e.g. `openssl rand -hex 32`")
        // A throwaway key while the variable is wrong: `validate()` below refuses to start.
        credentialSealer = CredentialSealer(hexKey: databaseCredentialsKey) ?? CredentialSealer(key: SymmetricKey(size: .bits256))
        if databaseCredentialsKey.count >= 64, CredentialSealer(hexKey: databaseCredentialsKey) == nil {
            reader.report("DATABASE_CREDENTIALS_KEY", "must be exactly 64 hexadecimal digits (32 bytes), e.g. `openssl rand -hex 32`")
        }
        internalServiceToken = reader.internalServiceToken()
        environment = reader.deploymentEnvironment()
        caServiceToken = reader.caServiceToken(in: environment)
        migrationsDirectory = Migration.defaultDirectory(environment: variables)
        initialAdmin = InitialAdmin.read(from: &reader)
        corsAllowedOrigins = Set(
            (reader.value("CORS_ALLOWED_ORIGINS") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        publicURL = reader.string("PUBLIC_URL", default: "http://localhost:3000")
        trustProxyHeaders = reader.bool("TRUST_PROXY_HEADERS", default: false)
        authRateLimit = reader.int("AUTH_RATE_LIMIT", default: 5, range: 1...10_000)
        authRateLimitPerIP = reader.int("AUTH_RATE_LIMIT_PER_IP", default: 100, range: 1...100_000)
        caServiceURL = reader.string("CA_SERVICE_URL", default: "http://127.0.0.1:3005")
        agentTLSPort = reader.port("AGENT_TLS_PORT", default: 8443)
        agentHandshakeLimit = reader.int("AGENT_TLS_HANDSHAKE_LIMIT", default: 1_024, range: 0...100_000)
        agentHandshakeWaitSeconds = reader.int("AGENT_TLS_HANDSHAKE_WAIT_SECONDS", default: 8, range: 0...8)
        agentReconnectRate = reader.int("AGENT_RECONNECT_RATE", default: 1_000, range: 1...1_000_000)
        apmIngestRequestsPerMinute = reader.int("APM_INGEST_REQUESTS_PER_MINUTE", default: 6_000, range: 1...1_000_000)
        let publicHost = URLComponents(string: publicURL)?.host ?? "localhost"
        agentPublicURL = reader.string("AGENT_PUBLIC_URL", default: "https://\(publicHost):\(agentTLSPort)")
        let tlsFiles = ["AGENT_TLS_CERT_FILE", "AGENT_TLS_KEY_FILE", "AGENT_TLS_CA_FILE"].map { reader.value($0) }
        if let certificate = tlsFiles[0], let key = tlsFiles[1], let authority = tlsFiles[2] {
            agentTLS = .init(certificate: certificate, key: key, authority: authority)
        } else {
            agentTLS = nil
            if tlsFiles.contains(where: { $0 != nil }) {
                reader.report(
                    "AGENT_TLS_CERT_FILE",
                    "AGENT_TLS_CERT_FILE, AGENT_TLS_KEY_FILE and AGENT_TLS_CA_FILE go together (make them with `optralis-ca server-cert`)")
            }
        }
        contactEmail = reader.value("CONTACT_EMAIL")
        if let contactEmail, !Validation.isEmail(contactEmail) { reader.report("CONTACT_EMAIL", "must be an email address") }
        turnstileSecret = reader.value("TURNSTILE_SECRET_KEY")
        turnstileVerifyURL = reader.string("TURNSTILE_VERIFY_URL", default: TurnstileVerifier.cloudflareURL)
        agentDownloadsDirectory = reader.string("AGENT_DOWNLOADS_DIR", default: "downloads")
        windowsBuildFeeds = reader.string(
            "WINDOWS_BUILDS_URLS", default: "https://endoflife.date/api/windows.json,https://endoflife.date/api/windows-server.json"
        )
        .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        cacheKeyPrefix = reader.string("CACHE_KEY_PREFIX", default: "")
        uptimeRobotAPIKey = reader.value("UPTIMEROBOT_API_KEY")
        uptimeRobotAPIURL = reader.string("UPTIMEROBOT_API_URL", default: UptimeRobotClient.defaultURL)
        uptimeRobotTimeoutSeconds = reader.int("UPTIMEROBOT_TIMEOUT_SECONDS", default: 10, range: 1...60)
        dockerSocket = reader.value("DOCKER_SOCKET")
        if let dockerSocket, !dockerSocket.hasPrefix("/") || dockerSocket.utf8.count > 107 {
            reader.report("DOCKER_SOCKET", "must be an absolute path of at most 107 bytes (a unix socket's limit)")
        }
        dockerAPIVersion = reader.string("DOCKER_API_VERSION", default: DockerEngine.defaultAPIVersion)
        if dockerAPIVersion.range(of: #"^1\.[0-9]{2}$"#, options: .regularExpression) == nil {
            reader.report("DOCKER_API_VERSION", "must be an Engine API version such as 1.44")
        }
        aiServiceURL = reader.string("AI_SERVICE_URL", default: "http://127.0.0.1:3002")
        authRateLimitWindowSeconds = reader.int("AUTH_RATE_LIMIT_WINDOW_SECONDS", default: 900, range: 1...86_400)
        openAPIPath = ProjectFiles.locate("docs/openapi.yaml", override: reader.value("OPTRALIS_OPENAPI_PATH"), containerPath: "/app/openapi.yaml")
        try reader.validate()
    }
}

/// Only what `optralis-api migrate` needs: the database (as the schema's owner) and the role the
/// services run as.
public struct MigrateConfiguration: Sendable {
    public var databaseURL: DatabaseURL
    public var migrationsDirectory: String?
    public var appRole: AppDatabaseRole?

    public init(environment variables: [String: String]) throws(ConfigurationError) {
        var reader = EnvironmentReader(variables)
        databaseURL = reader.databaseURL()
        migrationsDirectory = Migration.defaultDirectory(environment: variables)
        appRole = AppDatabaseRole.read(from: &reader)
        try reader.validate()
    }
}
