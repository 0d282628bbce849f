import Foundation
import Logging
import OptralisRedis
import PostgresNIO

/// One pass of AI automation: the due routines, then the triggers. A failure in one half is
/// logged and does not stop the other.
struct AutomationCycle: Sendable {
    let routines: RoutineRunner
    let triggers: TriggerEvaluator
    let logger: Logger

    init(database: PostgresClient, redis: RedisClient, healthScore: HealthScoreAnalysis, publicURL: String, logger: Logger) {
        let automated = AutomatedHealthScore(analysis: healthScore)
        let notifier = AutomationNotifier(database: database, queues: NotificationQueues(redis: redis), publicURL: publicURL, logger: logger)
        routines = RoutineRunner(
            store: RoutineStore(client: database, logger: logger), healthScore: automated, analyses: MachineAnalyses(runner: healthScore.runner),
            drift: DriftRefresh(store: BaselineStore(client: database, logger: logger)),
            explainer: DriftExplainer(claude: healthScore.runner.narrative.claude, database: database, logger: logger),
            reports: ReportGenerator(database: database, narrative: healthScore.runner.narrative, queues: NotificationQueues(redis: redis), logger: logger),
            notifier: notifier, logger: logger)
        triggers = TriggerEvaluator(
            store: TriggerStore(client: database, logger: logger), marker: FiringMarker(redis: redis, logger: logger),
            healthScore: automated, notifier: notifier, logger: logger)
        self.logger = logger
    }

    func run(now: Date) async {
        do {
            try await routines.runDue(now: now)
        } catch {
            logger.error("ai routines cycle failed", metadata: ["error": "\(error)"])
        }
        do {
            try await triggers.evaluate(now: now)
        } catch {
            logger.error("ai triggers cycle failed", metadata: ["error": "\(error)"])
        }
    }
}
