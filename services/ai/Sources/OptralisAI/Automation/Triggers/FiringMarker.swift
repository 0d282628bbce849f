import Foundation
import Logging
import OptralisRedis

/// "Fired, condition still holds" per (trigger, machine), in Redis: set when a trigger fires
/// (SET NX, so of two replicas only one fires), deleted on the first cycle the condition no
/// longer holds. It expires after ``expiry``, so a machine still critical a week later fires
/// again as a reminder.
struct FiringMarker: Sendable {
    let redis: RedisClient
    let logger: Logger

    static let expiry = 7 * 86_400_000

    static func key(triggerID: UUID, machineID: UUID) -> String {
        "ai:trigger:firing:\(triggerID.uuidString.lowercased()):\(machineID.uuidString.lowercased())"
    }

    /// True when this call set the marker: fire. Without Redis nothing fires (rather than
    /// firing every cycle), and the log says so.
    func claim(triggerID: UUID, machineID: UUID) async -> Bool {
        do {
            return try await redis.setIfAbsent(Self.key(triggerID: triggerID, machineID: machineID), "1", expireMilliseconds: Self.expiry)
        } catch {
            logger.warning("ai trigger not fired: redis unavailable", metadata: ["optralis.trigger_id": "\(triggerID)", "error": "\(error)"])
            return false
        }
    }

    /// The condition no longer holds for these machines: the next time it does, the trigger fires.
    func clear(triggerID: UUID, machineIDs: [UUID]) async {
        guard !machineIDs.isEmpty else { return }
        do {
            _ = try await redis.delete(machineIDs.map { Self.key(triggerID: triggerID, machineID: $0) })
        } catch {
            logger.warning("ai trigger markers not cleared", metadata: ["optralis.trigger_id": "\(triggerID)", "error": "\(error)"])
        }
    }
}
