import Foundation
import Logging
import OptralisRedis

/// One analysis of a kind per machine at a time, across replicas: two requests arriving
/// together would otherwise both pass the cooldown (it counts from a result not yet stored)
/// and both take quota. A Redis key with an expiry; the second request gets 429
/// `ANALYSIS_IN_PROGRESS`. Without Redis the analysis runs unlocked (the cooldown still holds).
struct AnalysisLock: Sendable {
    let redis: RedisClient
    let logger: Logger

    /// Longer than any analysis (Claude's timeout included); a crashed holder frees it then.
    static let expiry = 300_000

    static func key(machineID: UUID, kind: AnalysisKind) -> String {
        "ai:running:\(machineID.uuidString.lowercased()):\(kind.rawValue)"
    }

    /// Runs `body` holding the lock, or returns nil when another holder has it.
    func withLock<T: Sendable>(machineID: UUID, kind: AnalysisKind, _ body: () async throws -> T) async throws -> T? {
        let key = Self.key(machineID: machineID, kind: kind)
        let token = UUID().uuidString
        do {
            guard try await redis.setIfAbsent(key, token, expireMilliseconds: Self.expiry) else { return nil }
        } catch {
            logger.warning("analysis lock unavailable, running unlocked", metadata: ["error": "\(error)"])
            return try await body()
        }
        do {
            let result = try await body()
            await release(key, token)
            return result
        } catch {
            await release(key, token)
            throw error
        }
    }

    private func release(_ key: String, _ token: String) async {
        do {
            try await redis.deleteIfEqual(key, token)
        } catch {
            logger.warning("analysis lock not released, it expires by itself", metadata: ["key": "\(key)", "error": "\(error)"])
        }
    }
}
