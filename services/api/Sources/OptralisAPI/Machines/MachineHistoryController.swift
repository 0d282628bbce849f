import Foundation
import Hummingbird
import OptralisCore
import OptralisServer

/// `GET /api/machines/by-hostname/:hostname/metrics`, `/network-metrics` and `/disk-metrics` (`?range=1h|24h|7d|30d`,
/// default 24h): 1 h every raw sample, 24 h raw samples in 5-minute buckets, 7 and 30 days the
/// hourly roll-ups — or one raw sample per hour while the roll-ups hold fewer than 5 points.
struct MachineHistoryController {
    let history: MachineHistoryStore
    let machines: MachineStore

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("by-hostname/:hostname/metrics") { request, context -> Response in
            let (hostname, machine, range) = try await target(request, context)
            let (source, points) = try await history.metrics(machineID: machine, range: range)
            return HistoryJSON.response(hostname: hostname, range: range.rawValue, source: source, points: points)
        }
        group.get("by-hostname/:hostname/network-metrics") { request, context -> Response in
            let (hostname, machine, range) = try await target(request, context)
            let (source, points) = try await history.network(machineID: machine, range: range)
            return HistoryJSON.response(hostname: hostname, range: range.rawValue, source: source, points: points)
        }
        group.get("by-hostname/:hostname/disk-metrics") { request, context -> Response in
            let (hostname, machine, range) = try await target(request, context)
            let (source, points) = try await history.disks(machineID: machine, range: range)
            return HistoryJSON.response(hostname: hostname, range: range.rawValue, source: source, points: points)
        }
    }

    private func target(_ request: Request, _ context: APIRequestContext) async throws -> (String, UUID, HistoryRange) {
        let clientID = try context.requireIdentity().requireClient()
        let hostname = try context.parameters.decoded("hostname")
        let range = try HistoryRange(query: request.uri.queryParameters["range"].map(String.init))
        guard let (machine, name) = try await machines.find(hostname: hostname, clientID: clientID) else {
            throw APIError.notFound("machine \(hostname)")
        }
        return (name, machine, range)
    }
}
