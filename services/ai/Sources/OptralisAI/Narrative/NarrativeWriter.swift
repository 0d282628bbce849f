/// Asks Claude to explain computed statistics (`analyst-system` + `analysis-request` prompts)
/// and reads its answer into a ``Narrative``. Never throws: a failure is a result without narrative.
struct NarrativeWriter: Sendable {
    let claude: ClaudeClient

    static let promptVersion = [PromptTemplate.analystSystem, .analysisRequest].map { "\($0.id)@\($0.version)" }.joined(separator: "+")

    /// `statistics`: the analysis's statistics as JSON; `events`: one line each, most recent first.
    /// `customContext` is the client's own text from `ai_configs.custom_context` (may be empty).
    func write(
        analysis: String, hostname: String, statistics: String, events: [String], language: AILanguage, customContext: String
    ) async -> NarrativeResult {
        let none = language == .fr ? "(aucun)" : "(none)"
        let context = customContext.trimmingCharacters(in: .whitespacesAndNewlines)
        let system = PromptTemplate.analystSystem.render(
            language,
            values: [
                "custom_context": context.isEmpty ? "" : (language == .fr ? "Contexte du client : " : "Client context: ") + context
            ])
        let message = PromptTemplate.analysisRequest.render(
            language,
            values: [
                "analysis": analysis, "hostname": hostname, "statistics": statistics,
                "events": events.isEmpty ? none : events.map { "- \($0)" }.joined(separator: "\n"),
            ])
        do {
            let reply = try await claude.send(system: system, messages: [.user(message)]) { reply in
                NarrativeParser.parse(reply.text, language: language) != nil
            }
            guard let narrative = NarrativeParser.parse(reply.text, language: language) else {
                return NarrativeResult(
                    unavailableReason: ClaudeError.malformedResponse("").appError.code, promptVersion: Self.promptVersion, usage: reply.usage)
            }
            return NarrativeResult(narrative: narrative, promptVersion: Self.promptVersion, usage: reply.usage)
        } catch {
            if error != .notConfigured {
                claude.logger.warning("no AI narrative", metadata: ["optralis.analysis": "\(analysis)", "error": "\(error)"])
            }
            return NarrativeResult(unavailableReason: error.appError.code, promptVersion: Self.promptVersion)
        }
    }
}

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
