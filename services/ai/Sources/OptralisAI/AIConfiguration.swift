import OptralisCore
import OptralisPostgres
import OptralisRedis
import OptralisServer

/// The ai service's settings, read from the environment (see docs/configuration.md). A
/// malformed AI variable stops the start with a message naming it.
public struct AIConfiguration: Sendable {
    public var address: ListenAddress
    public var databaseURL: DatabaseURL
    public var redisURL: RedisURL
    public var internalServiceToken: String
    var claude: ClaudeConfiguration
    /// `AI_DEFAULT_LANGUAGE`: the narrative's language when neither the request nor the client sets one.
    var defaultLanguage: AILanguage
    /// `AI_RATE_LIMIT_PER_MINUTE`: `/ai/*` requests per client per minute; 0 turns the limit off.
    var rateLimitPerMinute: Int
    /// `AI_CACHE_TTL_MINUTES`: how long Claude's reply to an identical request is kept in Redis; 0 turns the cache off.
    var cacheTTLMinutes: Int
    /// `AI_AUTOMATION_INTERVAL_SECONDS`: how often routines and triggers are looked at (the spec's 5 minutes).
    var automationInterval: Int
    /// `AI_HEALTH_REFRESH_INTERVAL_SECONDS`: how often every machine's automatic health score is
    /// refreshed (15 minutes by default); 0 turns the refresh off.
    var healthRefreshInterval: Int
    /// `PUBLIC_URL`: the dashboard's address, for the links in AI notifications sent to webhooks.
    var publicURL: String

    public var claudeIsConfigured: Bool { claude.isConfigured }

    public init(environment variables: [String: String]) throws(ConfigurationError) {
        var reader = EnvironmentReader(variables)
        // The spec names the port AI_SERVICE_PORT; the other services use <NAME>_PORT. Either works.
        let portVariable = reader.value("AI_PORT") == nil && reader.value("AI_SERVICE_PORT") != nil ? "AI_SERVICE_PORT" : "AI_PORT"
        address = reader.listenAddress(portVariable: portVariable, defaultPort: 3002)
        databaseURL = reader.databaseURL()
        redisURL = reader.redisURL(required: true) ?? RedisURL(host: "")
        internalServiceToken = reader.internalServiceToken()
        claude = ClaudeConfiguration(reading: &reader)
        defaultLanguage = reader.choice("AI_DEFAULT_LANGUAGE", default: AILanguage.fr)
        rateLimitPerMinute = reader.int("AI_RATE_LIMIT_PER_MINUTE", default: 60, range: 0...100_000)
        cacheTTLMinutes = reader.int("AI_CACHE_TTL_MINUTES", default: 30, range: 0...10_080)
        automationInterval = reader.int("AI_AUTOMATION_INTERVAL_SECONDS", default: 300, range: 1...86_400)
        healthRefreshInterval = reader.int("AI_HEALTH_REFRESH_INTERVAL_SECONDS", default: 900, range: 0...86_400)
        publicURL = reader.string("PUBLIC_URL", default: "http://localhost:3000")
        try reader.validate()
    }
}
