import Foundation
@testable import OptralisAI
import OptralisTestSupport
import Testing

@Suite("Narrative through the Messages API")
struct NarrativeWriterTests {
    /// A Messages answer whose text is `text`.
    static func answer(_ text: String) -> FakeMessagesAPI.Answer {
        let body: [String: Any] = [
            "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-20250514",
            "content": [["type": "text", "text": text]], "stop_reason": "end_turn", "stop_sequence": NSNull(),
            "usage": ["input_tokens": 900, "output_tokens": 120],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        return FakeMessagesAPI.Answer(status: 200, body: String(decoding: data, as: UTF8.self))
    }

    func write(_ writer: NarrativeWriter, language: AILanguage = .fr, context: String = "") async -> NarrativeResult {
        await writer.write(
            analysis: "health-score", hostname: "SRV-PROD-01", statistics: #"{"overall_score": 42}"#,
            events: ["2026-11-22T07:00:00Z error disk: I/O error"], language: language, customContext: context)
    }

    @Test func sends_the_statistics_and_returns_the_narrative() async throws {
        try await FakeMessagesAPI.run(script: { _ in Self.answer(#"{"summary": "Score faible : disque."}"#) }) { claude, fake in
            let result = await write(NarrativeWriter(claude: claude), context: "Serveur de paie, critique en fin de mois.")
            #expect(result.narrative == Narrative(summary: "Score faible : disque."))
            #expect(result.unavailableReason == nil && result.usage == ClaudeUsage(inputTokens: 900, outputTokens: 120))
            #expect(result.promptVersion == "analyst-system@1+analysis-request@1")

            let body = try #require(fake.requests.first).json
            let system = try #require(body["system"] as? String)
            #expect(system.hasPrefix("Tu es l'analyste infrastructure d'Optralis"))
            #expect(system.contains("Contexte du client : Serveur de paie, critique en fin de mois."))
            let message = try #require((body["messages"] as? [[String: String]])?.first?["content"])
            #expect(
                message == """
                    Analyse demandée : health-score
                    Machine : SRV-PROD-01
                    Statistiques calculées (JSON) :
                    {"overall_score": 42}
                    Événements système récents :
                    - 2026-11-22T07:00:00Z error disk: I/O error
                    """)
        }
    }

    @Test func english_prompts_for_an_english_client() async throws {
        try await FakeMessagesAPI.run(script: { _ in Self.answer(#"{"summary": "Low score: disk."}"#) }) { claude, fake in
            let result = await write(NarrativeWriter(claude: claude), language: .en)
            #expect(result.narrative?.summary == "Low score: disk.")
            let request = try #require(fake.requests.first)
            let system = try #require(request.json["system"] as? String)
            #expect(system.hasPrefix("You are the infrastructure analyst of Optralis") && !system.contains("Client context"))
        }
    }

    @Test func without_a_key_the_narrative_is_unavailable_and_nothing_is_sent() async throws {
        try await FakeMessagesAPI.run(script: { _ in Self.answer("{}") }) { configured, fake in
            var configuration = configured.configuration
            configuration.apiKey = nil
            let result = await write(NarrativeWriter(claude: ClaudeClient(configuration: configuration, http: configured.http, logger: testLogger)))
            #expect(result.narrative == nil && result.unavailableReason == "AI_NOT_CONFIGURED")
            #expect(fake.requests.isEmpty)
        }
    }

    @Test func an_unreadable_narrative_or_an_outage_is_a_reason_not_an_error() async throws {
        try await FakeMessagesAPI.run(script: { _ in Self.answer("Désolé, je ne peux pas.") }) { claude, _ in
            let result = await write(NarrativeWriter(claude: claude))
            #expect(result.narrative == nil && result.unavailableReason == "AI_BAD_RESPONSE" && result.usage?.outputTokens == 120)
        }
        try await FakeMessagesAPI.run(maxRetries: 1, script: { _ in .fixture(529, "overloaded") }) { claude, fake in
            let result = await write(NarrativeWriter(claude: claude))
            #expect(result.narrative == nil && result.unavailableReason == "AI_OVERLOADED")
            #expect(fake.requests.count == 2)
        }
    }
}
