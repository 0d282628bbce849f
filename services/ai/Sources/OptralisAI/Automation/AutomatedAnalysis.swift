import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// An analysis run by a routine or a trigger: the same as the `/ai/*` request (the gate's
/// cooldown, change detection and quota included), stored with its `source`.
struct AutomatedAnalysis: Sendable {
    let database: PostgresClient
    let logger: Logger

    /// What became of one machine's analysis.
    enum Result<Report: Sendable>: Sendable {
        case analysed(Report)
        /// The gate refused (cooldown, unchanged data, quota, in progress) or the machine has no
        /// data yet: not an error, the reason in words.
        case skipped(String)
        case failed(String)
    }

    enum Source: String, Sendable {
        case routine, trigger
    }

    func run<Report: StoredAnalysisReport>(clientID: UUID, source: Source, _ analyse: () async throws -> AnalysisOutcome<Report>) async -> Result<Report> {
        do {
            switch try await analyse() {
            case .refused(let decision, _):
                return .skipped(Self.reason(decision))
            case .completed(let report):
                if let id = report.id { try await mark(id, clientID: clientID, source: source) }
                return .analysed(report)
            }
        } catch let error as AppError where error.code == "NO_DATA" {
            return .skipped("no_data")
        } catch {
            return .failed("\(error)")
        }
    }

    /// The analysis stores its row as `user`; the source is set afterwards so the analysis
    /// itself stays untouched by automation (a crash in between leaves `user`, nothing worse).
    private func mark(_ id: UUID, clientID: UUID, source: Source) async throws {
        try await database.query(
            "UPDATE ai_analysis_results SET source = \(source.rawValue) WHERE id = \(id) AND client_id = \(clientID)", logger: logger)
    }

    static func reason(_ decision: GateDecision) -> String {
        switch decision {
        case .proceed: "proceed"
        case .premiumRequired: "premium_required"
        case .machineNotFound: "machine_not_found"
        case .cooldown: "cooldown"
        case .noNewData: "no_new_data"
        case .noSignificantChanges: "no_significant_changes"
        case .quotaExceeded: "quota_exceeded"
        case .inProgress: "in_progress"
        }
    }
}

/// The health score as routines and triggers run it.
struct AutomatedHealthScore: Sendable {
    let analysis: HealthScoreAnalysis

    func run(clientID: UUID, machineID: UUID, source: AutomatedAnalysis.Source, now: Date) async -> AutomatedAnalysis.Result<HealthScoreReport> {
        await AutomatedAnalysis(database: analysis.runner.database, logger: analysis.runner.logger).run(clientID: clientID, source: source) {
            try await analysis.run(clientID: clientID, machineID: machineID, language: nil, now: now)
        }
    }
}
