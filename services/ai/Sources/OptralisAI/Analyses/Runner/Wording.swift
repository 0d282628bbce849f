import OptralisCore
/// A sentence in the analysis's language.
func wording(_ language: AILanguage, fr: String, en: String) -> String {
    language == .fr ? fr : en
}

/// A figure with at most one decimal, for sentences ("—" for a value that is not a number).
func format(_ value: Double) -> String {
    Figure.oneDecimal(value) ?? "—"
}
