import Foundation
import Logging
import OptralisRedis
import ServiceLifecycle

/// Runs ``HealthScoreRefresh`` at start, then every `interval` (`AI_HEALTH_REFRESH_INTERVAL_SECONDS`,
/// 15 minutes by default). Every replica runs the loop; a Redis key held for the run lets one
/// replica refresh at a time (without Redis the run goes ahead: the writes are idempotent and
/// never replace a newer score). On graceful shutdown the run in hand stops taking machines.
struct HealthRefreshWorker: Service {
    let refresh: HealthScoreRefresh
    let redis: RedisClient
    let interval: Duration
    let logger: Logger

    static let lockKey = "ai:health-refresh:running"

    func run() async throws {
        logger.info("ai health refresh started", metadata: ["interval_seconds": "\(interval.components.seconds)"])
        while !Task.isShuttingDownGracefully {
            await runOnce()
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
        }
        logger.info("ai health refresh stopped")
    }

    /// One run if no other replica holds the key; the key outlives the budget by a minute so a
    /// crashed holder frees it.
    func runOnce() async {
        let token = UUID().uuidString
        let expiry = Int((refresh.budget + .seconds(60)).components.seconds * 1000)
        do {
            guard try await redis.setIfAbsent(Self.lockKey, token, expireMilliseconds: expiry) else {
                logger.debug("ai health refresh: another replica is running it")
                return
            }
        } catch {
            logger.warning("ai health refresh lock unavailable, running unlocked", metadata: ["error": "\(error)"])
            _ = await refresh.run(now: Date())
            return
        }
        _ = await refresh.run(now: Date())
        do {
            try await redis.deleteIfEqual(Self.lockKey, token)
        } catch {
            logger.warning("ai health refresh lock not released, it expires by itself", metadata: ["error": "\(error)"])
        }
    }
}
