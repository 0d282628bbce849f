import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// Runs the due routines ("AI Scheduler (Interne)"): claims each occurrence, runs it by type,
/// records `ai_routine_history`, notifies the routine's channels.
struct RoutineRunner: Sendable {
    let store: RoutineStore
    let healthScore: AutomatedHealthScore
    let analyses: MachineAnalyses
    let drift: DriftRefresh
    let explainer: DriftExplainer
    let reports: ReportGenerator
    let notifier: AutomationNotifier
    let logger: Logger

    static let utc = TimeZone(identifier: "UTC")!
    /// When a stored schedule no longer parses, the routine is tried again a day later rather
    /// than every cycle.
    static let invalidScheduleRetry: TimeInterval = 86_400

    /// The routines this replica ran (claimed), by id.
    @discardableResult
    func runDue(now: Date) async throws -> [UUID] {
        var ran: [UUID] = []
        if try await store.failAbandoned(now: now) > 0 { logger.warning("ai routine runs left running were marked failed") }
        for routine in try await store.due(now: now) {
            do {
                if try await runIfClaimed(routine, now: now) { ran.append(routine.id) }
            } catch {
                logger.error(
                    "ai routine run failed",
                    metadata: ["optralis.client_id": "\(routine.clientID)", "optralis.routine_id": "\(routine.id)", "error": "\(error)"])
            }
        }
        return ran
    }

    /// Claims the routine's occurrence and runs it; false when another runner had claimed it.
    private func runIfClaimed(_ routine: DueRoutine, now: Date) async throws -> Bool {
        let cron = try? CronExpression(routine.schedule)
        let next = cron?.next(after: now, in: Self.utc) ?? now.addingTimeInterval(Self.invalidScheduleRetry)
        guard try await store.claim(routine, next: next, now: now) else { return false }
        let started = ContinuousClock.now
        let historyID = try await store.start(routine, now: now)
        let outcome =
            cron == nil
            ? RoutineOutcome(status: "failed", errorMessage: "invalid schedule \"\(routine.schedule)\"")
            : await run(routine, now: now)
        let elapsed = ContinuousClock.now - started
        let completed = now.addingTimeInterval(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        try await store.finish(historyID: historyID, clientID: routine.clientID, outcome, now: completed)
        logger.info(
            "ai routine ran",
            metadata: [
                "optralis.client_id": "\(routine.clientID)", "optralis.routine_id": "\(routine.id)", "routine_type": "\(routine.routineType)",
                "status": "\(outcome.status)", "machines_analyzed": "\(outcome.machinesAnalyzed)", "issues_found": "\(outcome.issuesFound)",
                "machines_skipped": "\(outcome.machinesSkipped)", "next_run_at": "\(next.formatted(.iso8601))",
            ])
        if outcome.status != "skipped" {
            await notifier.notify(
                clientID: routine.clientID, channels: routine.notifyChannels,
                message: AutomationMessage(
                    subject: RoutineMessage.subject(routine, now: now), text: RoutineMessage.text(routine, outcome), language: routine.language),
                now: now)
        }
        return true
    }

    func run(_ routine: DueRoutine, now: Date) async -> RoutineOutcome {
        do {
            switch routine.routineType {
            case "daily_health_check", "daily_health_score":
                return try await healthScores(routine, now: now)
            case "drift_detection":
                return try await driftDetection(routine, now: now)
            case "daily_report", "weekly_report":
                return try await report(routine, kind: routine.routineType == "daily_report" ? .daily : .weekly, now: now)
            case "trend_analysis":
                return try await trends(routine, now: now)
            default:
                return RoutineOutcome(status: "failed", errorMessage: "unknown routine type \"\(routine.routineType)\"")
            }
        } catch {
            return RoutineOutcome(status: "failed", errorMessage: "\(error)")
        }
    }

    /// An executive report of the whole fleet, stored with the routine's id; the routine's
    /// notification carries its summary.
    private func report(_ routine: DueRoutine, kind: ReportDocument.Kind, now: Date) async throws -> RoutineOutcome {
        let request = ReportGenerator.Request(
            kind: kind, format: .executive, language: AILanguage(rawValue: routine.language) ?? .fr, routineID: routine.id)
        switch try await reports.generate(request, clientID: routine.clientID, now: now) {
        case .generated(let report, _, _):
            return RoutineOutcome(status: "success", lines: [report.title, report.summary ?? ""])
        case .quotaExceeded:
            return RoutineOutcome(status: "skipped", errorMessage: "monthly AI quota exceeded")
        case .clientNotFound, .machineNotFound:
            return RoutineOutcome(status: "failed", errorMessage: "client not found")
        }
    }

    private func healthScores(_ routine: DueRoutine, now: Date) async throws -> RoutineOutcome {
        try await eachMachine(routine) { machine in
            await healthScore.run(clientID: routine.clientID, machineID: machine.id, source: .routine, now: now)
        }
    }

    /// `/ai/analyze/trends` for each machine (both windows), in the routine's language.
    private func trends(_ routine: DueRoutine, now: Date) async throws -> RoutineOutcome {
        let automated = AutomatedAnalysis(database: analyses.runner.database, logger: logger)
        return try await eachMachine(routine) { machine in
            let request = MachineAnalyses.Request(
                clientID: routine.clientID, machineID: machine.id, language: AILanguage(rawValue: routine.language), now: now)
            return await automated.run(clientID: routine.clientID, source: .routine) { try await analyses.trends(request) }
        }
    }

    /// One analysis per machine of the routine, one after the other, counted.
    private func eachMachine<Report: StoredAnalysisReport>(
        _ routine: DueRoutine, _ analyse: ((id: UUID, hostname: String)) async -> AutomatedAnalysis.Result<Report>
    ) async throws -> RoutineOutcome {
        var analysed = 0, issues = 0, skipped = 0, failed = 0
        var errors: [String] = [], lines: [String] = []
        for machine in try await store.machines(clientID: routine.clientID, only: routine.machineIDs) {
            switch await analyse(machine) {
            case .analysed(let report):
                analysed += 1
                issues += report.topIssues.count
                lines.append("\(machine.hostname): \(report.summary)")
            case .skipped:
                skipped += 1
            case .failed(let message):
                failed += 1
                errors.append("\(machine.hostname): \(message)")
            }
        }
        return .counted(analysed: analysed, issues: issues, skipped: skipped, failed: failed, errors: errors, lines: lines)
    }

    private func driftDetection(_ routine: DueRoutine, now: Date) async throws -> RoutineOutcome {
        let machines = try await store.machines(clientID: routine.clientID, only: routine.machineIDs)
        let records = try await drift.refresh(clientID: routine.clientID, machineIDs: machines.map(\.id), now: now)
        let names = Dictionary(machines.map { ($0.id, $0.hostname) }, uniquingKeysWith: { first, _ in first })
        let drifting = records.filter(\.driftDetected)
        try await explainer.explain(
            clientID: routine.clientID, machineIDs: drifting.map(\.machineID), language: AILanguage(rawValue: routine.language) ?? .fr, now: now)
        let lines = drifting.map { record in
            "\(names[record.machineID] ?? "?"): \(record.metric.rawValue) z=\(String(format: "%.1f", record.zScore ?? 0)) (\(record.driftSeverity?.rawValue ?? ""))"
        }
        return RoutineOutcome(status: "success", machinesAnalyzed: Set(records.map(\.machineID)).count, issuesFound: drifting.count, lines: lines)
    }
}
