/// A prompt sent to Claude, in French and English, with a version that changes whenever its
/// wording does (stored with each analysis, so a narrative can be traced to the prompt that made it).
///
/// Prompts are Swift string literals, one file each in this folder, rather than bundle
/// resources: the deployed binary then needs no files beside it.
/// `{{name}}` placeholders are filled by ``render(_:values:)``.
struct PromptTemplate: Sendable, Equatable {
    var id: String
    var version: String
    var french: String
    var english: String

    func text(_ language: AILanguage) -> String {
        switch language {
        case .fr: french
        case .en: english
        }
    }

    /// The text with each `{{name}}` replaced by `values[name]`; unknown names stay as they are.
    func render(_ language: AILanguage, values: [String: String]) -> String {
        var text = text(language)
        for (name, value) in values {
            text = text.replacingOccurrences(of: "{{\(name)}}", with: value)
        }
        return text
    }

    /// The placeholder names the template uses (in either language).
    var placeholders: Set<String> {
        var names: Set<String> = []
        for text in [french, english] {
            var rest = text[...]
            while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
                names.insert(String(rest[open.upperBound..<close.lowerBound]))
                rest = rest[close.upperBound...]
            }
        }
        return names
    }
}
