import Foundation
import Logging
import PostgresNIO

/// Runs the checks before an analysis in the spec's order ("Ordre des vérifications"), after
/// the licence tier and the machine's ownership:
/// 1. cooldown over? → 429; 2. new data? → 304 `NO_NEW_DATA`; 3. significant change? → 304
/// `NO_SIGNIFICANT_CHANGES`; 4. quota left? → 429 `QUOTA_EXCEEDED`; 5. proceed.
/// Step 4 takes the units: an analysis that then fails to reach Claude still returns its
/// statistics, so it still counts.
struct AnalysisGate: Sendable {
    let history: AnalysisHistoryStore
    let quota: QuotaStore

    init(history: AnalysisHistoryStore, quota: QuotaStore) {
        (self.history, self.quota) = (history, quota)
    }

    init(database: PostgresClient, logger: Logger) {
        self.init(history: AnalysisHistoryStore(client: database, logger: logger), quota: QuotaStore(client: database, logger: logger))
    }

    func check(clientID: UUID, machineID: UUID, kind: AnalysisKind, now: Date) async throws -> GateDecision {
        guard let licence = try await quota.licence(clientID: clientID) else { return .machineNotFound }
        guard kind.isAllowed(licence: licence) else { return .premiumRequired }
        guard let fingerprint = try await history.fingerprint(clientID: clientID, machineID: machineID, now: now) else { return .machineNotFound }
        let previous = try await history.latest(clientID: clientID, machineID: machineID, kind: kind)
        if let cooldown = Cooldown(lastAnalysisAt: previous?.createdAt, kind: kind, now: now) { return .cooldown(cooldown) }
        if let previous {
            let events = try await history.newEvents(clientID: clientID, machineID: machineID, since: previous.createdAt)
            switch ChangeDetection.compare(
                previous: previous.fingerprint, current: fingerprint, newErrorLogs: events.errors, newCriticalEvents: events.critical)
            {
            case .noNewData: return .noNewData(lastAnalysis: previous.createdAt)
            case .noSignificantChanges: return .noSignificantChanges(previousIssues: previous.issues, lastAnalysis: previous.createdAt)
            case .significant: break
            }
        }
        guard try await quota.consume(clientID: clientID, cost: kind.cost, now: now) else {
            guard let status = try await quota.status(clientID: clientID, now: now) else { return .machineNotFound }
            return .quotaExceeded(status)
        }
        return .proceed(previous: previous, fingerprint: fingerprint)
    }
}
