@testable import OptralisAI
import OptralisCore
import Testing

@Suite("ai configuration")
struct AIConfigurationTests {
    let required = [
        "DATABASE_URL": "postgres://optralis@127.0.0.1:5432/optralis", "REDIS_URL": "redis://127.0.0.1:6379",
        "INTERNAL_SERVICE_TOKEN": String(repeating: "i", count: 40),
    ]

    func configuration(_ extra: [String: String]) throws(ConfigurationError) -> AIConfiguration {
        try AIConfiguration(environment: required.merging(extra) { _, new in new })
    }

    func problems(_ extra: [String: String]) -> [String] {
        do {
            _ = try configuration(extra)
            return []
        } catch {
            return error.problems.map(\.variable)
        }
    }

    @Test func defaults_follow_the_spec() throws {
        let configuration = try configuration([:])
        #expect(configuration.address.port == 3002)
        #expect(configuration.claude == ClaudeConfiguration(apiKey: nil))
        #expect(configuration.claude.model == "claude-sonnet-4-20250514" && configuration.claude.maxTokens == 4096)
        #expect(configuration.claude.baseURL == "https://api.anthropic.com")
        #expect(configuration.defaultLanguage == .fr && configuration.rateLimitPerMinute == 60 && configuration.cacheTTLMinutes == 30)
        #expect(!configuration.claudeIsConfigured)
        #expect(configuration.automationInterval == 300, "the spec's scheduler looks every 5 minutes")
    }

    @Test func every_ai_variable_is_read() throws {
        let configuration = try configuration([
            "ANTHROPIC_API_KEY": "sk-ant-abc", "AI_MODEL": "claude-opus-4-1", "AI_MAX_TOKENS": "2048",
            "ANTHROPIC_BASE_URL": "http://127.0.0.1:9999/", "AI_REQUEST_TIMEOUT_SECONDS": "30", "AI_MAX_RETRIES": "0",
            "AI_RETRY_BASE_MS": "250", "AI_DEFAULT_LANGUAGE": "EN", "AI_RATE_LIMIT_PER_MINUTE": "10", "AI_CACHE_TTL_MINUTES": "0",
            "AI_SERVICE_PORT": "4002", "AI_AUTOMATION_INTERVAL_SECONDS": "2",
        ])
        #expect(
            configuration.claude
                == ClaudeConfiguration(
                    apiKey: "sk-ant-abc", model: "claude-opus-4-1", maxTokens: 2048, baseURL: "http://127.0.0.1:9999", timeout: .seconds(30),
                    maxRetries: 0, retryBase: .milliseconds(250)))
        #expect(configuration.claudeIsConfigured)
        #expect(configuration.defaultLanguage == .en && configuration.rateLimitPerMinute == 10 && configuration.cacheTTLMinutes == 0)
        #expect(configuration.address.port == 4002, "the spec's AI_SERVICE_PORT is accepted")
        #expect(configuration.automationInterval == 2)
        #expect(try self.configuration(["AI_SERVICE_PORT": "4002", "AI_PORT": "5002"]).address.port == 5002)
    }

    @Test func invalid_values_are_named() {
        #expect(problems(["AI_MAX_TOKENS": "0"]) == ["AI_MAX_TOKENS"])
        #expect(problems(["AI_MODEL": "claude sonnet"]) == ["AI_MODEL"])
        #expect(problems(["ANTHROPIC_BASE_URL": "ftp://example.com"]) == ["ANTHROPIC_BASE_URL"])
        #expect(problems(["ANTHROPIC_BASE_URL": "not a url"]) == ["ANTHROPIC_BASE_URL"])
        #expect(problems(["AI_DEFAULT_LANGUAGE": "de"]) == ["AI_DEFAULT_LANGUAGE"])
        #expect(problems(["AI_RATE_LIMIT_PER_MINUTE": "-1", "AI_CACHE_TTL_MINUTES": "soon"]) == ["AI_RATE_LIMIT_PER_MINUTE", "AI_CACHE_TTL_MINUTES"])
        #expect(problems(["AI_MAX_RETRIES": "11", "AI_REQUEST_TIMEOUT_SECONDS": "0"]) == ["AI_REQUEST_TIMEOUT_SECONDS", "AI_MAX_RETRIES"])
        #expect(problems(["AI_AUTOMATION_INTERVAL_SECONDS": "0"]) == ["AI_AUTOMATION_INTERVAL_SECONDS"])
        #expect(problems(["ANTHROPIC_API_KEY": "  "]) == [], "an empty key is no key, not an error")
    }
}
