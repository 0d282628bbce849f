/// What an analysis returns beside its statistics: Claude's narrative, or why there is none.
/// The statistics never depend on it.
struct NarrativeResult: Sendable, Equatable {
    var narrative: Narrative?
    /// The ``ClaudeError`` code when there is no narrative: `AI_NOT_CONFIGURED`, `AI_OVERLOADED`,
    /// `AI_BAD_RESPONSE`…
    var unavailableReason: String?
    /// The prompts used, `id@version` joined by `+`, to store with the analysis.
    var promptVersion: String
    var usage: ClaudeUsage?
}
