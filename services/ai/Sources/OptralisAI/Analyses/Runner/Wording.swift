/// A sentence in the analysis's language.
func wording(_ language: AILanguage, fr: String, en: String) -> String {
    language == .fr ? fr : en
}
