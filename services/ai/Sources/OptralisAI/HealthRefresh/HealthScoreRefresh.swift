import Foundation
import Logging
import Metrics
import OptralisCore
import PostgresNIO

/// The automatic health score: every machine of every active client gets the statistics of
/// `POST /ai/health-score` (``HealthInputsStore`` then ``HealthScore``, the same code) written
/// to `machines.health_score` with source `auto`. No quota, no cooldown, no Claude, and no
/// `ai_analysis_results` row: that history holds the paid analyses only (their cooldown and
/// change detection read it, and a row per machine every 15 minutes would drown it).
///
/// Bounded: machines in batches by id, and no new machine once `budget` is spent (the rest
/// are still due at the next run, which starts over from the lowest id). A machine without a
/// metric sample in the last 24 hours is skipped: its score becomes NULL ("—").
struct HealthScoreRefresh: Sendable {
    let scores: MachineHealthScoreStore
    let inputs: HealthInputsStore
    let logger: Logger
    /// How old a score may get: a machine scored less than this ago is not due.
    var period: Duration = .seconds(900)
    var batchSize = 100
    var budget: Duration = .seconds(300)

    init(database: PostgresClient, logger: Logger, period: Duration = .seconds(900)) {
        scores = MachineHealthScoreStore(client: database, logger: logger)
        inputs = HealthInputsStore(client: database, logger: logger)
        self.logger = logger
        self.period = period
    }

    /// What one run did.
    struct Summary: Sendable, Equatable {
        var scored = 0
        /// No recent data (or nothing the statistics could score): score set to NULL.
        var skipped = 0
        var failed = 0
        /// False when the budget ran out before every due machine was looked at.
        var complete = true
    }

    /// One run at `now`: every due machine, until the budget is spent. A machine is due when its
    /// score is older than `period` less a minute (a run a little early still refreshes it).
    func run(now: Date) async -> Summary {
        let clock = ContinuousClock()
        let start = clock.now
        let dueBefore = now.addingTimeInterval(-Double(period.components.seconds) + 60)
        var summary = Summary()
        var cursor: UUID?
        batches: while true {
            let batch: [MachineHealthScoreStore.Due]
            do {
                batch = try await scores.due(after: cursor, dueBefore: dueBefore, now: now, limit: batchSize)
            } catch {
                logger.error("health score refresh: listing machines failed", metadata: ["error": "\(String(reflecting: error))"])
                summary.complete = false
                break
            }
            for machine in batch {
                if clock.now - start >= budget || Task.isCancelled {
                    summary.complete = false
                    break batches
                }
                await refresh(machine, now: now, into: &summary)
                cursor = machine.machineID
            }
            if batch.count < batchSize { break }
        }
        report(summary, duration: clock.now - start)
        return summary
    }

    private func refresh(_ machine: MachineHealthScoreStore.Due, now: Date, into summary: inout Summary) async {
        do {
            var score: Int?
            if machine.hasRecentData, let data = try await inputs.inputs(clientID: machine.clientID, machineID: machine.machineID, now: now) {
                score = HealthScore(data, now: now)?.overall
            }
            try await scores.write(clientID: machine.clientID, machineID: machine.machineID, score: score, at: now, source: .automatic)
            if score == nil { summary.skipped += 1 } else { summary.scored += 1 }
        } catch {
            summary.failed += 1
            logger.warning(
                "health score refresh failed for a machine",
                metadata: ["machine_id": "\(machine.machineID)", "error": "\(String(reflecting: error))"])
        }
    }

    /// One log line per run, and the counts in `/metrics`.
    private func report(_ summary: Summary, duration: Duration) {
        logger.info(
            "health scores refreshed",
            metadata: [
                "scored": "\(summary.scored)", "skipped": "\(summary.skipped)", "failed": "\(summary.failed)",
                "complete": "\(summary.complete)", "duration_ms": "\(duration.milliseconds)",
            ])
        Counter(label: "ai_health_refresh_runs_total", dimensions: [("outcome", summary.complete ? "complete" : "partial")]).increment()
        for (outcome, count) in [("scored", summary.scored), ("skipped", summary.skipped), ("failed", summary.failed)] {
            Counter(label: "ai_health_refresh_machines_total", dimensions: [("outcome", outcome)]).increment(by: count)
        }
    }
}
