import Foundation
import OptralisServer
import Hummingbird
import OptralisCore

/// The super_admin's view across clients: `GET /api/admin/dashboard`, `GET /api/admin/stats/timeline`,
/// `GET /api/admin/machines/all` and `PUT /api/admin/machines/bulk-channel`.
struct AdminFleetController {
    let stats: PlatformStatsStore
    let cache: FleetCache
    let activity: ActivityLogger

    struct Timeline: ResponseEncodable {
        let days: Int
        let timeline: [PlatformStatsStore.Day]
    }

    struct MachinePage: ResponseEncodable {
        let machines: [PlatformStatsStore.FleetMachine]
        let total: Int
        let page: Int
        let limit: Int
    }

    struct BulkChannelRequest: Decodable {
        let machineIDs: [UUID]
        let channel: String
        enum CodingKeys: String, CodingKey { case machineIDs = "machine_ids", channel }
    }

    /// Machines changed by one bulk request.
    static let maximumBulk = 1000

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("dashboard") { _, _ -> PlatformStatsStore.Dashboard in try await stats.dashboard() }
        group.get("stats/timeline") { request, _ -> Timeline in
            let days = try request.uri.queryParameters.integer("days", default: 30, in: 1...365)
            return Timeline(days: days, timeline: try await stats.timeline(days: days))
        }
        group.get("machines/all") { request, _ -> MachinePage in
            let query = request.uri.queryParameters
            let paging = try query.paging(defaultLimit: 100, maximumLimit: 500)
            let (machines, total) = try await stats.machines(
                clientID: try query.uuid("client_id"), search: try query.text("search", maximumLength: 100), paging: paging)
            return MachinePage(machines: machines, total: total, page: paging.page, limit: paging.limit)
        }
        group.put("machines/bulk-channel") { request, context -> CountDone in
            let body = try await request.decode(as: BulkChannelRequest.self, context: context)
            guard ["stable", "beta"].contains(body.channel) else { throw APIError.validation("channel must be stable or beta") }
            guard (1...Self.maximumBulk).contains(body.machineIDs.count) else {
                throw APIError.validation("machine_ids must hold 1 to \(Self.maximumBulk) machines")
            }
            let changed = try await stats.setChannel(body.channel, machineIDs: body.machineIDs)
            for (clientID, count) in changed {
                await cache.invalidateMachines(clientID: clientID)
                await activity.record(
                    .machine, "Canal de mise à jour modifié en lot", metadata: ["channel": body.channel, "machines": String(count)], clientID: clientID,
                    userID: context.identity?.userID, ip: context.clientIP)
            }
            return CountDone(count: changed.values.reduce(0, +))
        }
    }
}

extension PlatformStatsStore.Dashboard: ResponseEncodable {}
