import Foundation
import Logging
import OptralisCurl

/// The Claude Messages API over the shared libcurl client: `POST {base}/v1/messages` with
/// `x-api-key` and `anthropic-version`, retried on 429, 529, other 5xx and failed connections
/// with exponential backoff (`retry-after` wins when the API sends it). With a `cache`, an
/// identical request within `AI_CACHE_TTL_MINUTES` is answered from Redis.
struct ClaudeClient: Sendable {
    let configuration: ClaudeConfiguration
    let http: CurlClient
    let logger: Logger
    var cache: ClaudeReplyCache? = nil

    var isConfigured: Bool { configuration.isConfigured }

    /// Sends one conversation and returns Claude's answer; `maxTokens` defaults to `AI_MAX_TOKENS`.
    /// With a cache, only a reply `usable` accepts is kept or served from it: one the caller cannot
    /// read (a narrative that does not parse) would otherwise answer every retry until it expires.
    func send(
        system: String?, messages: [ClaudeMessage], maxTokens: Int? = nil, usable: (ClaudeReply) -> Bool = { _ in true }
    ) async throws(ClaudeError) -> ClaudeReply {
        guard let apiKey = configuration.apiKey else { throw .notConfigured }
        let request = OutboundRequest(
            method: .post, url: configuration.baseURL + "/v1/messages",
            headers: [("x-api-key", apiKey), ("anthropic-version", ClaudeConfiguration.apiVersion), ("content-type", "application/json")],
            body: Self.encode(
                MessagesWire.Request(
                    model: configuration.model, maxTokens: maxTokens ?? configuration.maxTokens, system: system, messages: messages)),
            timeout: configuration.timeout, maximumResponseBytes: 4 << 20)
        let cacheKey = cache.map { _ in ClaudeReplyCache.key(requestBody: request.body ?? []) }
        if let cache, let cacheKey, var cached = await cache.reply(key: cacheKey), usable(cached) {
            cached.usage = ClaudeUsage(inputTokens: 0, outputTokens: 0) // nothing was spent this time
            return cached
        }
        var attempt = 1
        while true {
            let failure: AttemptFailure
            do {
                let reply = try Self.interpret(try await http.send(request))
                if let cache, let cacheKey, usable(reply) { await cache.store(reply, key: cacheKey) }
                return reply
            } catch let error as AttemptFailure {
                failure = error
            } catch let error as CurlError {
                failure =
                    error.isTimeout
                    ? AttemptFailure(error: .timedOut, retryable: false)
                    : AttemptFailure(error: .unreachable(error.message), retryable: true)
            } catch {
                failure = AttemptFailure(error: .unreachable("\(error)"), retryable: true)
            }
            guard failure.retryable, attempt <= configuration.maxRetries else { throw failure.error }
            let wait = failure.retryAfter ?? configuration.retryBase * (1 << min(attempt - 1, 16))
            guard wait <= configuration.maximumRetryWait else { throw failure.error }
            logger.warning(
                "Claude call failed, retrying",
                metadata: ["optralis.attempt": "\(attempt)", "optralis.wait_ms": "\(wait.milliseconds)", "error": "\(failure.error)"])
            do {
                try await Task.sleep(for: wait)
            } catch {
                throw failure.error
            }
            attempt += 1
        }
    }

    /// One attempt's failure: the error to report if it is the last, and whether to try again.
    struct AttemptFailure: Error {
        var error: ClaudeError
        var retryable: Bool
        var retryAfter: Duration?
    }

    /// Turns an HTTP answer into a reply, or into the failure it stands for.
    static func interpret(_ response: OutboundResponse) throws(AttemptFailure) -> ClaudeReply {
        let decoder = JSONDecoder()
        guard (200..<300).contains(response.status) else {
            let detail = try? decoder.decode(MessagesWire.ErrorResponse.self, from: Data(response.body))
            let message = detail?.error.message ?? String(response.bodyText.prefix(200))
            let retryAfter = response.header("retry-after").flatMap(Double.init).flatMap { $0 >= 0 && $0.isFinite ? Duration.seconds($0) : nil }
            switch response.status {
            case 401:
                throw AttemptFailure(error: .unauthorized(message: message), retryable: false)
            case 429:
                throw AttemptFailure(error: .rateLimited(retryAfter: retryAfter, message: message), retryable: true, retryAfter: retryAfter)
            case 529:
                throw AttemptFailure(error: .overloaded(message: message), retryable: true, retryAfter: retryAfter)
            case 500..<600:
                let error: ClaudeError =
                    detail?.error.type == "overloaded_error" ? .overloaded(message: message) : .upstream(status: response.status, message: message)
                throw AttemptFailure(error: error, retryable: true, retryAfter: retryAfter)
            default:
                throw AttemptFailure(
                    error: .rejected(status: response.status, type: detail?.error.type ?? "unknown", message: message), retryable: false)
            }
        }
        let answer: MessagesWire.Response
        do {
            answer = try decoder.decode(MessagesWire.Response.self, from: Data(response.body))
        } catch {
            throw AttemptFailure(error: .malformedResponse(Self.describe(error)), retryable: false)
        }
        let texts = answer.content.filter { $0.type == "text" }.compactMap(\.text)
        guard !texts.isEmpty else { throw AttemptFailure(error: .malformedResponse("no text block in the answer"), retryable: false) }
        return ClaudeReply(id: answer.id, model: answer.model, text: texts.joined(), stopReason: answer.stopReason, usage: answer.usage)
    }

    private static func encode(_ request: MessagesWire.Request) -> [UInt8] {
        let encoder = JSONEncoder()
        // Sorted: the same request is the same bytes, which the reply cache's key relies on.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(request) else {
            preconditionFailure("a Messages request holds only strings and integers, which always encode")
        }
        return Array(data)
    }

    /// A decoding error in a line: what was missing or mistyped, and where.
    private static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "missing \(path(context).isEmpty ? "" : path(context) + ".")\(key.stringValue)"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?: return "unexpected value at \(path(context))"
        case .dataCorrupted?: return "not JSON"
        default: return "\(error)"
        }
    }
}
