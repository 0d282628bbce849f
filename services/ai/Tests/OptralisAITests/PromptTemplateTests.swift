@testable import OptralisAI
import Testing

@Suite("Prompts")
struct PromptTemplateTests {
    static let all: [PromptTemplate] = [.analystSystem, .driftExplanation]

    @Test(arguments: all)
    func each_prompt_has_an_id_a_version_and_both_languages(_ prompt: PromptTemplate) {
        #expect(!prompt.id.isEmpty && !prompt.version.isEmpty)
        #expect(!prompt.french.isEmpty && !prompt.english.isEmpty && prompt.french != prompt.english)
    }

    @Test func both_languages_use_the_same_placeholders() {
        for prompt in Self.all {
            let french = PromptTemplate(id: prompt.id, version: prompt.version, french: prompt.french, english: "").placeholders
            let english = PromptTemplate(id: prompt.id, version: prompt.version, french: "", english: prompt.english).placeholders
            #expect(french == english, "\(prompt.id)")
        }
    }

    @Test func rendering_fills_every_placeholder() {
        let values = [
            "hostname": "SRV-PROD-01", "metric": "cpu_percent", "current_value": "91.5", "baseline_mean": "42.0",
            "baseline_stddev": "8.1", "z_score": "6.05", "severity": "critical", "events": "- 10:29 Windows Update #19",
        ]
        #expect(PromptTemplate.driftExplanation.placeholders == Set(values.keys))
        let french = PromptTemplate.driftExplanation.render(.fr, values: values)
        #expect(!french.contains("{{") && french.contains("SRV-PROD-01") && french.contains("z-score 6.05"))
        let english = PromptTemplate.driftExplanation.render(.en, values: values)
        #expect(english.hasPrefix("On machine SRV-PROD-01, the metric cpu_percent is 91.5"))
    }

    @Test func unknown_placeholders_stay_visible() {
        let prompt = PromptTemplate(id: "t", version: "1", french: "a {{x}} {{y}}", english: "b")
        #expect(prompt.render(.fr, values: ["x": "1"]) == "a 1 {{y}}")
    }
}
