import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// `POST /ai/health-score` without HTTP: the checks, the score from the machine's data, the
/// narrative when Claude is there, the stored result and `machines.health_score`.
struct HealthScoreAnalysis: Sendable {
    let database: PostgresClient
    let lock: AnalysisLock
    let narrative: NarrativeWriter
    let defaultLanguage: AILanguage
    let logger: Logger

    func run(clientID: UUID, machineID: UUID, language requested: AILanguage?, now: Date) async throws -> AnalysisOutcome<HealthScoreReport> {
        let contexts = AnalysisContextStore(client: database, logger: logger)
        guard let context = try await contexts.context(clientID: clientID, machineID: machineID, requested: requested, fallback: defaultLanguage) else {
            return .refused(.machineNotFound, requested ?? defaultLanguage)
        }
        let outcome = try await lock.withLock(machineID: machineID, kind: .healthScore) {
            try await analyse(clientID: clientID, machineID: machineID, context: context, now: now)
        }
        return outcome ?? .refused(.inProgress, context.language)
    }

    private func analyse(clientID: UUID, machineID: UUID, context: AnalysisContext, now: Date) async throws -> AnalysisOutcome<HealthScoreReport> {
        let decision = try await AnalysisGate(client: database, logger: logger).check(clientID: clientID, machineID: machineID, kind: .healthScore, now: now)
        guard case .proceed(let previous, let fingerprint) = decision else { return .refused(decision, context.language) }
        guard let inputs = try await HealthInputsStore(client: database, logger: logger).inputs(clientID: clientID, machineID: machineID, now: now),
            let score = HealthScore(inputs, now: now, previousOverall: previous?.overallScore)
        else { throw AppError(status: 422, code: "NO_DATA", message: "this machine has sent no data to score") }

        let language = context.language
        let issues = score.issues.map { TopIssue($0, language: language) }
        let events = try await AnalysisContextStore(client: database, logger: logger).recentEvents(clientID: clientID, machineID: machineID, before: now)
        let written = await narrative.write(
            analysis: AnalysisKind.healthScore.path, hostname: context.hostname, statistics: AIJSON.string(score), events: events,
            language: language, customContext: context.customContext)
        var report = HealthScoreReport(
            machineID: machineID, score: score, summary: written.narrative?.summary ?? Self.summary(score, language: language),
            topIssues: issues, narrative: NarrativeSection(written), quotaCost: AnalysisKind.healthScore.cost)

        let results = AnalysisResultStore(client: database, logger: logger)
        report.id = try await results.save(.init(
            clientID: clientID, machineID: machineID, kind: .healthScore, language: language, summary: report.summary,
            resultJSON: AIJSON.string(report), overallScore: score.overall, riskLevel: score.riskLevel.rawValue,
            confidence: score.confidence, fingerprint: fingerprint, model: written.usage == nil ? nil : narrative.claude.configuration.model,
            usage: written.usage, createdAt: now))
        report.createdAt = now
        try await results.updateHealthScore(clientID: clientID, machineID: machineID, score: score.overall)
        return .completed(report)
    }

    /// The summary when Claude gives none: the figures in a sentence.
    static func summary(_ score: HealthScore, language: AILanguage) -> String {
        switch language {
        case .fr:
            let risk = ["low": "faible", "medium": "modéré", "high": "élevé", "critical": "critique"][score.riskLevel.rawValue] ?? ""
            let trend = ["improving": "en amélioration", "stable": "stable", "declining": "en baisse", "unknown": "inconnue"][score.trend.rawValue] ?? ""
            return "Score de santé \(score.overall)/100, risque \(risk), tendance \(trend)."
        case .en:
            return "Health score \(score.overall)/100, \(score.riskLevel.rawValue) risk, trend \(score.trend.rawValue)."
        }
    }
}
