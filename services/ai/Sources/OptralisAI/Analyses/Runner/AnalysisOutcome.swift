/// An analysis either ran, or the checks before it refused (with the language of the refusal's message).
enum AnalysisOutcome<Report: Sendable>: Sendable {
    case refused(GateDecision, AILanguage)
    case completed(Report)
}
