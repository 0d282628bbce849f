import Foundation

/// Reads a ``Narrative`` out of Claude's text: the JSON object itself, or one wrapped in a
/// Markdown fence or a sentence (models sometimes add them despite the prompt).
enum NarrativeParser {
    /// Nil when the text holds no JSON object with at least a `summary`.
    static func parse(_ text: String, language: AILanguage) -> Narrative? {
        guard let open = text.firstIndex(of: "{"), let close = text.lastIndex(of: "}"), open < close,
            var narrative = try? JSONDecoder().decode(Narrative.self, from: Data(text[open...close].utf8))
        else { return nil }
        narrative.scripts = narrative.scripts.map { ScriptSafety.checked($0, language: language) }
        return narrative
    }
}
