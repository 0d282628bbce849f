import Foundation
import OptralisCore

/// How the ai service reaches the Claude Messages API. Without `ANTHROPIC_API_KEY` the client
/// is "not configured": analyses still return their statistics, with no narrative.
struct ClaudeConfiguration: Sendable, Equatable {
    /// `ANTHROPIC_API_KEY`; nil when unset.
    var apiKey: String?
    /// `AI_MODEL` (spec default `claude-sonnet-4-20250514`).
    var model: String
    /// `AI_MAX_TOKENS` (spec default 4096).
    var maxTokens: Int
    /// `ANTHROPIC_BASE_URL`, without a trailing slash: the API, or a local fake in tests.
    var baseURL: String
    /// `AI_REQUEST_TIMEOUT_SECONDS`: one whole request, answer included (a long answer takes a minute).
    var timeout: Duration
    /// `AI_MAX_RETRIES`: further attempts after a 429, 529, other 5xx or a failed connection.
    var maxRetries: Int
    /// `AI_RETRY_BASE_MS`: the first backoff; each retry doubles it unless `retry-after` says otherwise.
    var retryBase: Duration
    /// A `retry-after` longer than this fails the call at once instead of holding a request.
    var maximumRetryWait: Duration

    static let defaultModel = "claude-sonnet-4-20250514"
    static let defaultBaseURL = "https://api.anthropic.com"
    static let apiVersion = "2023-06-01"

    var isConfigured: Bool { apiKey != nil }

    init(
        apiKey: String?, model: String = Self.defaultModel, maxTokens: Int = 4096, baseURL: String = Self.defaultBaseURL,
        timeout: Duration = .seconds(120), maxRetries: Int = 3, retryBase: Duration = .seconds(1), maximumRetryWait: Duration = .seconds(60)
    ) {
        self.apiKey = apiKey
        self.model = model
        self.maxTokens = maxTokens
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = timeout
        self.maxRetries = maxRetries
        self.retryBase = retryBase
        self.maximumRetryWait = maximumRetryWait
    }

    /// Reads the variables above, recording a problem for each malformed one.
    init(reading reader: inout EnvironmentReader) {
        let model = reader.string("AI_MODEL", default: Self.defaultModel)
        if model.contains(where: \.isWhitespace) || model.count > 100 {
            reader.report("AI_MODEL", "must be a model name such as \(Self.defaultModel) (got \"\(model)\")")
        }
        let baseURL = reader.string("ANTHROPIC_BASE_URL", default: Self.defaultBaseURL)
        let url = URLComponents(string: baseURL)
        if !["http", "https"].contains(url?.scheme?.lowercased() ?? "") || (url?.host ?? "").isEmpty {
            reader.report("ANTHROPIC_BASE_URL", "must be an http or https URL (got \"\(baseURL)\")")
        }
        self.init(
            apiKey: reader.value("ANTHROPIC_API_KEY"), model: model,
            maxTokens: reader.int("AI_MAX_TOKENS", default: 4096, range: 1...128_000), baseURL: baseURL,
            timeout: .seconds(reader.int("AI_REQUEST_TIMEOUT_SECONDS", default: 120, range: 1...600)),
            maxRetries: reader.int("AI_MAX_RETRIES", default: 3, range: 0...10),
            retryBase: .milliseconds(reader.int("AI_RETRY_BASE_MS", default: 1000, range: 1...60_000)))
    }
}
