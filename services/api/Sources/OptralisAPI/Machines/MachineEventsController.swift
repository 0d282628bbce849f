import Foundation
import Hummingbird
import OptralisCore
import OptralisServer

/// `GET /api/machines/:id/events`: the system events the agent collected (journal, Windows event
/// log), newest first. `?level=` keeps that severity and the worse ones (`warning`: warnings,
/// errors and critical events); `?before=` (the previous page's `next_before`) pages back.
struct MachineEventsController {
    let events: MachineEventStore
    let machines: MachineStore

    /// From the worst; a level filter keeps its own entry and those before it.
    static let severities = ["critical", "error", "warning", "info"]

    struct Page: ResponseEncodable {
        let events: [MachineEventStore.Event]
        /// Pass as `before` for the next, older page; absent on the last page.
        let nextBefore: Date?
        enum CodingKeys: String, CodingKey {
            case events, nextBefore = "next_before"
        }
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get(":id/events") { request, context -> Page in
            let clientID = try context.requireIdentity().requireClient()
            let machineID = try Validation.pathID(context)
            let query = request.uri.queryParameters
            let levels = try Self.levels(atLeast: query["level"].map(String.init))
            let limit = try query.integer("limit", default: 100, in: 1...500)
            var before: Date?
            if let text = query["before"] {
                guard let date = Validation.date(String(text)) else { throw APIError.validation("before must be an ISO 8601 date-time") }
                before = date
            }
            guard try await machines.hostname(id: machineID, clientID: clientID) != nil else { throw APIError.notFound("machine") }
            let page = try await events.events(machineID: machineID, clientID: clientID, levels: levels, before: before, limit: limit)
            return Page(events: page, nextBefore: page.count == limit ? page.last?.time : nil)
        }
    }

    static func levels(atLeast level: String?) throws -> [String] {
        guard let level else { return severities }
        guard let index = severities.firstIndex(of: level) else {
            throw APIError.validation("level must be one of \(severities.joined(separator: ", "))")
        }
        return Array(severities[...index])
    }
}
