import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// The path every machine analysis takes (`/ai/health-score`, `/ai/analyze/*`, …): the machine's
/// ownership and language, a lock against running the same analysis twice at once, the checks
/// in the spec's order (``AnalysisGate``), the local statistics, Claude's narrative when it is
/// there, and the stored result.
struct MachineAnalysisRunner: Sendable {
    let database: PostgresClient
    let contexts: AnalysisContextStore
    let gate: AnalysisGate
    let results: AnalysisResultStore
    let lock: AnalysisLock
    let narrative: NarrativeWriter
    let defaultLanguage: AILanguage
    let logger: Logger

    init(database: PostgresClient, lock: AnalysisLock, narrative: NarrativeWriter, defaultLanguage: AILanguage, logger: Logger) {
        self.init(
            database: database, contexts: AnalysisContextStore(client: database, logger: logger), gate: AnalysisGate(database: database, logger: logger),
            results: AnalysisResultStore(client: database, logger: logger), lock: lock, narrative: narrative, defaultLanguage: defaultLanguage,
            logger: logger)
    }

    init(
        database: PostgresClient, contexts: AnalysisContextStore, gate: AnalysisGate, results: AnalysisResultStore, lock: AnalysisLock,
        narrative: NarrativeWriter, defaultLanguage: AILanguage, logger: Logger
    ) {
        (self.database, self.contexts, self.gate, self.results, self.lock) = (database, contexts, gate, results, lock)
        (self.narrative, self.defaultLanguage, self.logger) = (narrative, defaultLanguage, logger)
    }

    /// What an analysis's statistics are computed from.
    struct Input: Sendable {
        var clientID: UUID
        var machineID: UUID
        var context: AnalysisContext
        /// The machine's last analysis of this kind.
        var previous: AnalysisHistoryStore.LastAnalysis?
        var now: Date
    }

    /// `compute` returns nil when the machine has no data to analyse (422 `NO_DATA`); `report`
    /// shapes the response from the findings and the narrative.
    func run<Statistics, Report: StoredAnalysisReport>(
        _ kind: AnalysisKind, clientID: UUID, machineID: UUID, language requested: AILanguage?, now: Date,
        compute: @Sendable (Input) async throws -> AnalysisFindings<Statistics>?,
        report: @Sendable (AnalysisFindings<Statistics>, NarrativeResult) -> Report
    ) async throws -> AnalysisOutcome<Report> {
        guard let context = try await contexts.context(clientID: clientID, machineID: machineID, requested: requested, fallback: defaultLanguage) else {
            return .refused(.machineNotFound, requested ?? defaultLanguage)
        }
        let outcome = try await lock.withLock(machineID: machineID, kind: kind) { () async throws -> AnalysisOutcome<Report> in
            let decision = try await gate.check(clientID: clientID, machineID: machineID, kind: kind, now: now)
            guard case .proceed(let previous, let fingerprint) = decision else { return .refused(decision, context.language) }
            let input = Input(clientID: clientID, machineID: machineID, context: context, previous: previous, now: now)
            guard let findings = try await compute(input) else {
                throw AppError(status: 422, code: "NO_DATA", message: "this machine has sent no data for this analysis")
            }
            let events = try await contexts.recentEvents(clientID: clientID, machineID: machineID, before: now)
            let written = await narrative.write(
                analysis: kind.path, hostname: context.hostname, statistics: AIJSON.string(findings.statistics), events: events,
                language: context.language, customContext: context.customContext)
            var body = report(findings, written)
            body.id = try await results.save(
                .init(
                    clientID: clientID, machineID: machineID, kind: kind, language: context.language,
                    summary: written.narrative?.summary ?? findings.summary, resultJSON: AIJSON.string(body),
                    overallScore: findings.overallScore, riskLevel: findings.riskLevel, confidence: findings.confidence,
                    fingerprint: fingerprint, model: written.usage == nil ? nil : narrative.claude.configuration.model, usage: written.usage,
                    createdAt: now))
            body.createdAt = now
            return .completed(body)
        }
        return outcome ?? .refused(.inProgress, context.language)
    }

    /// An analysis answered with ``MachineAnalysisReport``.
    func run<Statistics>(
        _ kind: AnalysisKind, clientID: UUID, machineID: UUID, language: AILanguage?, now: Date,
        compute: @Sendable (Input) async throws -> AnalysisFindings<Statistics>?
    ) async throws -> AnalysisOutcome<MachineAnalysisReport<Statistics>> {
        try await run(kind, clientID: clientID, machineID: machineID, language: language, now: now, compute: compute) { findings, narrative in
            MachineAnalysisReport(machineID: machineID, kind: kind, findings: findings, narrative: narrative)
        }
    }
}

/// An analysis either ran, or the checks before it refused (with the language of the refusal's message).
enum AnalysisOutcome<Report: Sendable>: Sendable {
    case refused(GateDecision, AILanguage)
    case completed(Report)
}
