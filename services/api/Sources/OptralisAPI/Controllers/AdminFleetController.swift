import Foundation
import Hummingbird
import OptralisCore

/// The super_admin's view across clients: `GET /api/admin/dashboard`, `GET /api/admin/stats/timeline`,
/// `GET /api/admin/machines/all` and `PUT /api/admin/machines/bulk-channel`.
struct AdminFleetController {
    let stats: PlatformStatsRepository
    let cache: FleetCache
    let activity: ActivityLogger

    struct Timeline: ResponseEncodable {
        let days: Int
        let timeline: [PlatformStatsRepository.Day]
    }

    struct MachinePage: ResponseEncodable {
        let machines: [PlatformStatsRepository.FleetMachine]
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
        group.get("dashboard") { _, _ -> PlatformStatsRepository.Dashboard in try await stats.dashboard() }
        group.get("stats/timeline") { request, _ -> Timeline in
            let days = Int(request.uri.queryParameters["days"] ?? "30") ?? 0
            guard (1...365).contains(days) else { throw APIError.validation("days must be between 1 and 365") }
            return Timeline(days: days, timeline: try await stats.timeline(days: days))
        }
        group.get("machines/all") { request, _ -> MachinePage in
            let query = request.uri.queryParameters
            var clientID: UUID?
            if let raw = query["client_id"] {
                guard let id = UUID(uuidString: String(raw)) else { throw APIError.validation("client_id must be a UUID") }
                clientID = id
            }
            let page = Int(query["page"] ?? "1") ?? 0, limit = Int(query["limit"] ?? "100") ?? 0
            guard page >= 1, (1...500).contains(limit) else { throw APIError.validation("page must be ≥ 1 and limit between 1 and 500") }
            let search = query["search"].map { String($0.prefix(100)) }.flatMap { $0.isEmpty ? nil : $0 }
            let (machines, total) = try await stats.machines(clientID: clientID, search: search, page: page, limit: limit)
            return MachinePage(machines: machines, total: total, page: page, limit: limit)
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

extension PlatformStatsRepository.Dashboard: ResponseEncodable {}
