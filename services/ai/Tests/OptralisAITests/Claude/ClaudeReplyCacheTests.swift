import Foundation
@testable import OptralisAI
import OptralisRedis
import OptralisTestSupport
import Testing

@Suite("Claude replies cached in Redis (AI_CACHE_TTL_MINUTES)")
struct ClaudeReplyCacheTests {
    /// A client with a cache on the test Redis, its keys under a prefix of the test's own.
    func withCachedClient(
        script: @escaping @Sendable (Int) -> FakeMessagesAPI.Answer = { _ in .fixture(200, "message") },
        _ body: @Sendable (ClaudeClient, FakeMessagesAPI, RedisClient) async throws -> Void
    ) async throws {
        let redis = RedisClient(url: try RedisURL(parsing: try TestEnvironment.variable("OPTRALIS_TEST_REDIS_URL")), maximumConnections: 2, logger: testLogger)
        do {
            try await FakeMessagesAPI.run(script: script) { claude, fake in
                var cached = claude
                cached.cache = ClaudeReplyCache(redis: redis, ttlSeconds: 1800, logger: testLogger)
                try await body(cached, fake, redis)
            }
        } catch {
            await redis.shutdown()
            throw error
        }
        await redis.shutdown()
    }

    /// A narrative for a host no other test names, so the request (and its key) is this test's alone.
    func narrative(_ writer: NarrativeWriter, host: String, score: Int = 42) async -> NarrativeResult {
        await writer.write(
            analysis: "health-score", hostname: host, statistics: #"{"overall_score": \#(score)}"#,
            events: [], language: .fr, customContext: "")
    }

    /// A conversation no other test sends, so the key is this test's alone.
    func conversation(_ text: String = "Explique ce score") -> [ClaudeMessage] {
        [.user("\(text) \(UUID().uuidString)")]
    }

    @Test func the_same_request_is_sent_once_and_a_different_one_again() async throws {
        try await withCachedClient { claude, fake, redis in
            let messages = conversation()
            let first = try await claude.send(system: "Tu es l'analyste.", messages: messages)
            let second = try await claude.send(system: "Tu es l'analyste.", messages: messages)
            #expect(fake.requests.count == 1, "the second answer came from Redis")
            #expect(second.text == first.text && second.id == first.id)
            #expect(first.usage.inputTokens == 2095 && second.usage == ClaudeUsage(inputTokens: 0, outputTokens: 0), "no token spent the second time")

            _ = try await claude.send(system: "Tu es l'analyste.", messages: conversation())
            _ = try await claude.send(system: "Another system prompt", messages: messages)
            #expect(fake.requests.count == 3, "another prompt is another request")

            let key = ClaudeReplyCache.key(requestBody: Array(try #require(fake.requests.first).body.utf8))
            let ttl = try await redis.command("TTL", key).integer ?? -2
            #expect((1...1800).contains(ttl), "kept AI_CACHE_TTL_MINUTES: \(ttl)")
        }
    }

    @Test func an_unreadable_entry_or_no_redis_is_a_miss_not_a_failure() async throws {
        try await withCachedClient { claude, fake, redis in
            let messages = conversation()
            _ = try await claude.send(system: nil, messages: messages)
            let key = ClaudeReplyCache.key(requestBody: Array(try #require(fake.requests.first).body.utf8))
            try await redis.set(key, "{not json", expireSeconds: 60)
            let again = try await claude.send(system: nil, messages: messages)
            #expect(fake.requests.count == 2 && again.usage.inputTokens == 2095, "Claude is asked again")
            #expect(try await redis.get(key)?.hasPrefix("{\"") == true, "and the entry is replaced")

            let closed = RedisClient(url: RedisURL(host: "127.0.0.1", port: 1), maximumConnections: 1, logger: testLogger)
            var unreachable = claude
            unreachable.cache = ClaudeReplyCache(redis: closed, ttlSeconds: 60, logger: testLogger)
            _ = try await unreachable.send(system: nil, messages: messages)
            #expect(fake.requests.count == 3)
            await closed.shutdown()
        }
    }

    @Test func identical_narratives_ask_claude_once_and_other_statistics_ask_again() async throws {
        try await withCachedClient(script: { _ in NarrativeWriterTests.answer(#"{"summary": "Score faible : disque."}"#) }) { claude, fake, _ in
            let writer = NarrativeWriter(claude: claude)
            let host = "SRV-\(UUID().uuidString)"
            let first = await narrative(writer, host: host)
            let second = await narrative(writer, host: host)
            #expect(fake.requests.count == 1, "a routine and a user asking about the same statistics pay once")
            #expect(first.narrative == Narrative(summary: "Score faible : disque.") && second.narrative == first.narrative)
            #expect(second.usage == ClaudeUsage(inputTokens: 0, outputTokens: 0))

            _ = await narrative(writer, host: host, score: 41)
            #expect(fake.requests.count == 2, "other statistics are another question")
        }
    }

    @Test func an_unreadable_narrative_is_not_kept_so_a_retry_asks_claude() async throws {
        let script: @Sendable (Int) -> FakeMessagesAPI.Answer = { attempt in
            NarrativeWriterTests.answer(attempt == 1 ? "Désolé, je ne peux pas." : #"{"summary": "Score faible : disque."}"#)
        }
        try await withCachedClient(script: script) { claude, fake, _ in
            let writer = NarrativeWriter(claude: claude)
            let host = "SRV-\(UUID().uuidString)"
            #expect(await narrative(writer, host: host).unavailableReason == "AI_BAD_RESPONSE")
            #expect(await narrative(writer, host: host).narrative?.summary == "Score faible : disque.")
            #expect(await narrative(writer, host: host).narrative?.summary == "Score faible : disque.")
            #expect(fake.requests.count == 2, "the unreadable answer was not cached, the readable one was")
        }
    }
}
