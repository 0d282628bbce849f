/// The language of a narrative: the client's (`clients.language`, `ai_configs.language`), the
/// request's `language`, or `AI_DEFAULT_LANGUAGE`.
enum AILanguage: String, Sendable, Codable, CaseIterable, Equatable {
    case fr
    case en
}
