import OptralisCore

/// Why a Claude call gave no answer. Each case maps to a response the ai service can return
/// (``appError``) without leaking the upstream message or the key.
enum ClaudeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `ANTHROPIC_API_KEY`: the narrative is unavailable, the statistics are not.
    case notConfigured
    /// 401: the key is wrong or revoked.
    case unauthorized(message: String)
    /// 529 (or a 503 `overloaded_error`) on every attempt.
    case overloaded(message: String)
    /// 429 on every attempt, or a `retry-after` beyond ``ClaudeConfiguration/maximumRetryWait``.
    case rateLimited(retryAfter: Duration?, message: String)
    /// Another 5xx on every attempt.
    case upstream(status: Int, message: String)
    /// A 4xx other than 401 and 429 (`invalid_request_error`, `permission_error`, `not_found_error`…): not retried.
    case rejected(status: Int, type: String, message: String)
    /// A 2xx whose body is not a Messages answer with text.
    case malformedResponse(String)
    case timedOut
    /// No HTTP answer at all (DNS, connection refused, TLS) on every attempt.
    case unreachable(String)

    var description: String {
        switch self {
        case .notConfigured: "Claude client not configured (ANTHROPIC_API_KEY is not set)"
        case .unauthorized(let message): "Claude API refused the key (401): \(message)"
        case .overloaded(let message): "Claude API overloaded: \(message)"
        case .rateLimited(let retryAfter, let message):
            "Claude API rate limit reached\(retryAfter.map { ", retry after \($0.components.seconds) s" } ?? ""): \(message)"
        case .upstream(let status, let message): "Claude API error \(status): \(message)"
        case .rejected(let status, let type, let message): "Claude API rejected the request (\(status) \(type)): \(message)"
        case .malformedResponse(let detail): "malformed answer from the Claude API: \(detail)"
        case .timedOut: "the Claude API did not answer in time"
        case .unreachable(let detail): "the Claude API is unreachable: \(detail)"
        }
    }

    /// What a client of the ai service sees: a 5xx naming the cause in its code, nothing upstream.
    var appError: AppError {
        switch self {
        case .notConfigured: .serviceUnavailable("the AI narrative is not configured on this server", code: "AI_NOT_CONFIGURED")
        case .unauthorized: AppError(status: 502, code: "AI_UNAUTHORIZED", message: "the AI provider refused this server's credentials")
        case .overloaded: .serviceUnavailable("the AI provider is overloaded, try again later", code: "AI_OVERLOADED")
        case .rateLimited: .serviceUnavailable("the AI provider's rate limit is reached, try again later", code: "AI_RATE_LIMITED")
        case .upstream, .unreachable: AppError(status: 502, code: "AI_UNAVAILABLE", message: "the AI provider is unavailable")
        case .rejected: AppError(status: 502, code: "AI_REQUEST_REJECTED", message: "the AI provider rejected the request")
        case .malformedResponse: AppError(status: 502, code: "AI_BAD_RESPONSE", message: "the AI provider sent an unreadable answer")
        case .timedOut: AppError(status: 504, code: "AI_TIMEOUT", message: "the AI provider did not answer in time")
        }
    }
}
