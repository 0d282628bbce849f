import Foundation
import Hummingbird
import OptralisCore

/// The body of a move of machines into a set (a group, a site) or out of it: the set's id under
/// its own key, and the machines.
protocol MachineMoveBody: Decodable {
    var machineIDs: [UUID] { get }
}

/// What the routes writing machine sets (groups, sites) share: reading a move (1 to
/// ``Validation/maximumBatch`` machines) and the aftermath of every write — the client's cached
/// machine lists dropped (set names and ids appear in, and filter, them) and an activity log entry.
struct MachineSetWrites: Sendable {
    let activity: ActivityLogger
    let cache: FleetCache

    func move<Body: MachineMoveBody>(_ type: Body.Type, _ request: Request, _ context: APIRequestContext) async throws -> Body {
        let body = try await request.decode(as: type, context: context)
        guard (1...Validation.maximumBatch).contains(body.machineIDs.count) else {
            throw APIError.validation("machine_ids must hold 1 to \(Validation.maximumBatch) machines")
        }
        return body
    }

    func record(_ context: APIRequestContext, _ message: String, category: ActivityLogger.Category, _ metadata: [String: String]) async throws {
        let identity = try context.requireIdentity()
        let clientID = try identity.requireClient()
        await cache.invalidateMachines(clientID: clientID)
        await activity.record(category, message, metadata: metadata, clientID: clientID, userID: identity.userID, ip: context.clientIP)
    }
}
