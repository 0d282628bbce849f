import Foundation
import HTTPTypes
import OptralisCurl
@testable import OptralisAI
import OptralisTestSupport
import Testing

@Suite("Claude Messages API client")
struct ClaudeClientTests {
    let conversation = [ClaudeMessage.user("Explique ce score de santé : 42.")]

    /// The error a call throws, or nil when it succeeds.
    func failure(of call: () async throws(ClaudeError) -> ClaudeReply) async -> ClaudeError? {
        do {
            _ = try await call()
            return nil
        } catch {
            return error
        }
    }

    @Test func sends_the_real_wire_format_and_reads_text_usage_and_stop_reason() async throws {
        try await FakeMessagesAPI.run(script: { _ in .fixture(200, "message") }) { claude, fake in
            let reply = try await claude.send(system: "Tu es l'analyste.", messages: conversation, maxTokens: 512)
            #expect(reply.text == #"{"summary": "Le disque C: se remplit de 5 Go par mois.", "explanations": []}"#)
            #expect(reply.usage == ClaudeUsage(inputTokens: 2095, outputTokens: 503))
            #expect(reply.stopReason == "end_turn" && !reply.wasTruncated)
            #expect(reply.id == "msg_01XFDUDYJgAACzvnptvVoYEL" && reply.model == "claude-sonnet-4-20250514")

            let request = try #require(fake.requests.first)
            #expect(fake.requests.count == 1)
            #expect(request.headers[HTTPField.Name("x-api-key")!] == "sk-ant-test-key")
            #expect(request.headers[HTTPField.Name("anthropic-version")!] == "2023-06-01")
            #expect(request.headers[.contentType] == "application/json")
            let body = request.json
            #expect(body["model"] as? String == "claude-sonnet-4-20250514")
            #expect(body["max_tokens"] as? Int == 512)
            #expect(body["system"] as? String == "Tu es l'analyste.")
            let messages = try #require(body["messages"] as? [[String: String]])
            #expect(messages == [["role": "user", "content": "Explique ce score de santé : 42."]])
        }
    }

    @Test func max_tokens_defaults_to_the_configuration() async throws {
        try await FakeMessagesAPI.run(script: { _ in .fixture(200, "message") }) { claude, fake in
            _ = try await claude.send(system: nil, messages: conversation)
            let body = try #require(fake.requests.first).json
            #expect(body["max_tokens"] as? Int == 4096)
            #expect(body["system"] == nil)
        }
    }

    @Test func overloaded_529_is_retried_then_succeeds() async throws {
        try await FakeMessagesAPI.run(script: { $0 == 1 ? .fixture(529, "overloaded") : .fixture(200, "message") }) { claude, fake in
            let reply = try await claude.send(system: nil, messages: conversation)
            #expect(reply.usage.outputTokens == 503)
            #expect(fake.requests.count == 2)
        }
    }

    @Test func overloaded_on_every_attempt_is_reported_as_overloaded() async throws {
        try await FakeMessagesAPI.run(maxRetries: 2, script: { _ in .fixture(529, "overloaded") }) { claude, fake in
            let error = await failure { () async throws(ClaudeError) in try await claude.send(system: nil, messages: conversation) }
            #expect(error == .overloaded(message: "Overloaded"))
            #expect(fake.requests.count == 3)
            #expect(error?.appError.statusCode == 503 && error?.appError.code == "AI_OVERLOADED")
        }
    }

    @Test func backoff_doubles_between_attempts() async throws {
        try await FakeMessagesAPI.run(maxRetries: 3, script: { $0 <= 3 ? .fixture(500, "api-error") : .fixture(200, "message") }) { claude, fake in
            _ = try await claude.send(system: nil, messages: conversation)
            let times = fake.requests.map(\.at)
            #expect(times.count == 4)
            let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
            // 20, 40 and 80 ms of backoff, each plus the request's own time.
            #expect(gaps[0] >= .milliseconds(20) && gaps[1] >= .milliseconds(40) && gaps[2] >= .milliseconds(80))
        }
    }

    @Test func rate_limited_429_waits_for_retry_after() async throws {
        try await FakeMessagesAPI.run(script: { attempt in
            attempt == 1 ? .fixture(429, "rate-limited", headers: [HTTPField.Name("retry-after")!: "1"]) : .fixture(200, "message")
        }) { claude, fake in
            _ = try await claude.send(system: nil, messages: conversation)
            let times = fake.requests.map(\.at)
            #expect(times.count == 2)
            #expect(times[1] - times[0] >= .seconds(1), "retry-after: 1 overrides the 20 ms backoff")
        }
    }

    @Test func a_retry_after_beyond_the_longest_wait_fails_at_once() async throws {
        try await FakeMessagesAPI.run(script: { _ in .fixture(429, "rate-limited", headers: [HTTPField.Name("retry-after")!: "30"]) }) { claude, fake in
            let error = await failure { () async throws(ClaudeError) in try await claude.send(system: nil, messages: conversation) }
            guard case .rateLimited(let retryAfter, let message)? = error else {
                Issue.record("expected rateLimited, got \(String(describing: error))")
                return
            }
            #expect(retryAfter == .seconds(30) && message.hasPrefix("This request would exceed the rate limit"))
            #expect(fake.requests.count == 1)
        }
    }

    @Test func malformed_json_is_a_clear_error_and_not_retried() async throws {
        try await FakeMessagesAPI.run(script: { _ in FakeMessagesAPI.Answer(status: 200, body: #"{"id": "msg_01", "content": [{"type": "te"#) }) {
            claude, fake in
            let error = await failure { () async throws(ClaudeError) in try await claude.send(system: nil, messages: conversation) }
            #expect(error == .malformedResponse("not JSON"))
            #expect(error?.appError.code == "AI_BAD_RESPONSE" && error?.appError.statusCode == 502)
            #expect(fake.requests.count == 1)
        }
    }

    @Test func an_answer_without_content_or_text_is_malformed() async throws {
        try await FakeMessagesAPI.run(script: { $0 == 1 ? .fixture(200, "missing-content") : .fixture(200, "tool-use-only") }) { claude, _ in
            let missing = await failure { () async throws(ClaudeError) in try await claude.send(system: nil, messages: conversation) }
            #expect(missing == .malformedResponse("missing content"))
            let toolOnly = await failure { () async throws(ClaudeError) in try await claude.send(system: nil, messages: conversation) }
            #expect(toolOnly == .malformedResponse("no text block in the answer"))
        }
    }

    @Test func unauthorized_401_is_not_retried() async throws {
        try await FakeMessagesAPI.run(script: { _ in .fixture(401, "unauthorized") }) { claude, fake in
            let error = await failure { () async throws(ClaudeError) in try await claude.send(system: nil, messages: conversation) }
            #expect(error == .unauthorized(message: "invalid x-api-key"))
            #expect(error?.appError.code == "AI_UNAUTHORIZED")
            #expect(fake.requests.count == 1)
        }
    }

    @Test func an_invalid_request_is_rejected_without_retry() async throws {
        try await FakeMessagesAPI.run(script: { _ in .fixture(400, "invalid-request") }) { claude, fake in
            let error = await failure { () async throws(ClaudeError) in try await claude.send(system: nil, messages: conversation) }
            guard case .rejected(400, "invalid_request_error", let message)? = error else {
                Issue.record("expected rejected, got \(String(describing: error))")
                return
            }
            #expect(message.hasPrefix("max_tokens: 999999"))
            #expect(fake.requests.count == 1)
        }
    }

    @Test func a_slow_answer_times_out() async throws {
        try await FakeMessagesAPI.run(
            timeout: .milliseconds(500),
            script: { _ in
                var answer = FakeMessagesAPI.Answer.fixture(200, "message")
                answer.delay = .seconds(2)
                return answer
            }
        ) { claude, fake in
            let error = await failure { () async throws(ClaudeError) in try await claude.send(system: nil, messages: conversation) }
            #expect(error == .timedOut && error?.appError.statusCode == 504)
            #expect(fake.requests.count == 1)
        }
    }

    @Test func no_server_is_unreachable_after_the_retries() async throws {
        let http = CurlClient(concurrency: 1)
        let claude = ClaudeClient(
            configuration: ClaudeConfiguration(
                apiKey: "sk-ant-test", baseURL: "http://127.0.0.1:\(try freePort())", maxRetries: 1, retryBase: .milliseconds(10)),
            http: http, logger: testLogger)
        let error = await failure { () async throws(ClaudeError) in try await claude.send(system: nil, messages: conversation) }
        await http.shutdown()
        guard case .unreachable? = error else {
            Issue.record("expected unreachable, got \(String(describing: error))")
            return
        }
    }

    @Test func without_a_key_the_client_reports_not_configured_and_sends_nothing() async throws {
        try await FakeMessagesAPI.run(script: { _ in .fixture(200, "message") }) { configured, fake in
            var configuration = configured.configuration
            configuration.apiKey = nil
            let claude = ClaudeClient(configuration: configuration, http: configured.http, logger: testLogger)
            #expect(!claude.isConfigured && configured.isConfigured)
            let error = await failure { () async throws(ClaudeError) in try await claude.send(system: nil, messages: conversation) }
            #expect(error == .notConfigured)
            #expect(error?.appError.code == "AI_NOT_CONFIGURED" && error?.appError.statusCode == 503)
            #expect(fake.requests.isEmpty)
        }
    }
}
