@testable import OptralisAI
import Testing

@Suite("Narrative parsing and script safety")
struct NarrativeParserTests {
    @Test func reads_a_fenced_json_answer() throws {
        let text = """
            Voici l'analyse :
            ```json
            {"summary": "Disque C: presque plein.", "explanations": ["+5 Go par mois"],
             "recommendations": [{"title": "Nettoyer", "priority": "HIGH", "details": "Vider C:\\\\Temp"}, {"title": "Surveiller", "priority": "soon"}],
             "scripts": []}
            ```
            """
        let narrative = try #require(NarrativeParser.parse(text, language: .fr))
        #expect(narrative.summary == "Disque C: presque plein.")
        #expect(narrative.explanations == ["+5 Go par mois"])
        #expect(
            narrative.recommendations == [
                Recommendation(title: "Nettoyer", priority: .high, details: #"Vider C:\Temp"#),
                Recommendation(title: "Surveiller", priority: .medium, details: ""),
            ])
    }

    @Test func missing_lists_are_empty_and_a_missing_summary_is_no_narrative() throws {
        let minimal = try #require(NarrativeParser.parse(#"{"summary": "RAS"}"#, language: .en))
        #expect(minimal == Narrative(summary: "RAS"))
        #expect(NarrativeParser.parse(#"{"explanations": []}"#, language: .en) == nil)
        #expect(NarrativeParser.parse("Je ne peux pas répondre.", language: .fr) == nil)
        #expect(NarrativeParser.parse(#"{"summary": "cut mid-sentence"#, language: .fr) == nil)
    }

    @Test func destructive_scripts_get_warnings_whatever_the_model_wrote() throws {
        let text = """
            {"summary": "s", "scripts": [
              {"platform": "bash", "purpose": "clean", "code": "sudo RM -RF /var/tmp/old && systemctl restart nginx", "safety_warnings": []},
              {"platform": "powershell", "purpose": "report", "code": "Get-Volume", "safety_warnings": []},
              {"platform": "powershell", "purpose": "reboot", "code": "Restart-Computer -Force", "safety_warnings": ["Redémarre le serveur."]}
            ]}
            """
        let scripts = try #require(NarrativeParser.parse(text, language: .fr)).scripts
        #expect(scripts[0].safetyWarnings == [ScriptSafety.rules[0].french, ScriptSafety.rules[3].french])
        #expect(scripts[1].safetyWarnings == [ScriptSafety.reviewAdvice(.fr)], "every script says to review it")
        #expect(scripts[2].safetyWarnings == ["Redémarre le serveur.", ScriptSafety.rules[1].french])
        let english = try #require(NarrativeParser.parse(text, language: .en)).scripts
        #expect(english[1].safetyWarnings == [ScriptSafety.reviewAdvice(.en)])
    }
}
