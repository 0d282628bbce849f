import Foundation
import Logging
import ServiceLifecycle

/// The AI service's scheduler ("AI Scheduler (Interne)"): a cycle at start (to catch up on
/// late routines), then one every `AI_AUTOMATION_INTERVAL_SECONDS` (5 minutes by default).
/// Every replica runs it; the routine claims and the trigger markers make each occurrence and
/// each firing happen once. On graceful shutdown the cycle in hand finishes first.
struct AutomationWorker: Service {
    let cycle: AutomationCycle
    let interval: Duration
    let logger: Logger

    func run() async throws {
        logger.info("ai automation started", metadata: ["interval_seconds": "\(interval.components.seconds)"])
        while !Task.isShuttingDownGracefully {
            // Graceful shutdown does not cancel the cycle: it finishes, then the loop ends.
            await cycle.run(now: Date())
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
        }
        logger.info("ai automation stopped")
    }
}
