import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// `POST /ai/health-score` without HTTP: the score from the machine's data through
/// ``MachineAnalysisRunner``, then `machines.health_score` (source `analysis`; the automatic
/// refresh, ``HealthScoreRefresh``, computes the same statistics every 15 minutes for free).
struct HealthScoreAnalysis: Sendable {
    let runner: MachineAnalysisRunner
    let inputs: HealthInputsStore
    let scores: MachineHealthScoreStore

    init(runner: MachineAnalysisRunner, inputs: HealthInputsStore, scores: MachineHealthScoreStore) {
        (self.runner, self.inputs, self.scores) = (runner, inputs, scores)
    }

    init(runner: MachineAnalysisRunner) {
        self.init(
            runner: runner, inputs: HealthInputsStore(client: runner.database, logger: runner.logger),
            scores: MachineHealthScoreStore(client: runner.database, logger: runner.logger))
    }

    func run(clientID: UUID, machineID: UUID, language requested: AILanguage?, now: Date) async throws -> AnalysisOutcome<HealthScoreReport> {
        let outcome = try await runner.run(
            .healthScore, clientID: clientID, machineID: machineID, language: requested, now: now,
            compute: { input in
                guard let data = try await inputs.inputs(clientID: clientID, machineID: machineID, now: now),
                    let score = HealthScore(data, now: now, previousOverall: input.previous?.overallScore)
                else { return nil }
                return Self.findings(score, language: input.context.language)
            },
            report: { findings, narrative in
                HealthScoreReport(
                    machineID: machineID, score: findings.statistics, summary: narrative.narrative?.summary ?? findings.summary,
                    topIssues: findings.issues,
                    narrative: NarrativeSection(narrative), quotaCost: AnalysisKind.healthScore.cost)
            })
        if case .completed(let report) = outcome {
            try await scores.write(
                clientID: clientID, machineID: machineID, score: report.score.overall, at: now, source: .analysis)
        }
        return outcome
    }

    static func findings(_ score: HealthScore, language: AILanguage) -> AnalysisFindings<HealthScore> {
        AnalysisFindings(
            statistics: score,
            issues: score.issues.map { AnalysisIssue($0, language: language) },
            summary: summary(score, language: language), overallScore: score.overall, riskLevel: score.riskLevel.rawValue,
            confidence: score.confidence)
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
