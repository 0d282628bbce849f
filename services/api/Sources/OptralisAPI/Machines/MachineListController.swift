import Foundation
import OptralisServer
import Hummingbird
import OptralisCore

/// The fleet's reading routes: `GET /api/machines` (filters, pagination, sort) and one machine
/// by id or host name with its latest collector data, labels and certificate status (read in
/// parallel), and `/inventory` (every collector's latest snapshot).
struct MachineListController {
    let queries: MachineListStore
    let machines: MachineStore
    let cache: FleetCache
    /// `site_id` filters need the Business licence, as every site route.
    let gate: LicenceGate

    struct Page: ResponseEncodable, Codable {
        let machines: [MachineListStore.Summary]
        let total: Int
        let page: Int
        let limit: Int
    }

    /// The detail without its `collectors`, which ``SplicedJSON`` adds from the stored snapshots.
    struct DetailHead: Encodable {
        let machine: MachineListStore.Summary
        let labels: [MachineListStore.Label]
    }

    struct InventoryHead: Encodable {
        let hostname: String
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get { request, context -> Page in
            let clientID = try context.requireIdentity().requireClient()
            let filter = try Self.filter(request.uri.queryParameters)
            if filter.siteID != nil { try await gate.require(.business, clientID: clientID) }
            return try await cache.value(.machineList(clientID, query: filter.cacheKey)) {
                let (machines, total) = try await queries.list(clientID: clientID, filter)
                return Page(machines: machines, total: total, page: filter.page, limit: filter.limit)
            }
        }
        group.get(":id") { request, context -> Response in
            let clientID = try context.requireIdentity().requireClient()
            let withCollectors: Bool
            switch request.uri.queryParameters["collectors"] {
            case nil, "true": withCollectors = true
            case "false": withCollectors = false
            default: throw APIError.validation("collectors must be true or false")
            }
            return try await detail(id: try Validation.pathID(context), clientID: clientID, collectors: withCollectors)
        }
        group.get("by-hostname/:hostname") { _, context -> Response in
            let clientID = try context.requireIdentity().requireClient()
            let name = try context.parameters.decoded("hostname")
            let (id, _) = try await machines.named(name, clientID: clientID)
            return try await detail(id: id, clientID: clientID)
        }
        group.get("by-hostname/:hostname/inventory") { _, context -> Response in
            let clientID = try context.requireIdentity().requireClient()
            let name = try context.parameters.decoded("hostname")
            let (id, hostname) = try await machines.named(name, clientID: clientID)
            return try SplicedJSON.response(
                InventoryHead(hostname: hostname), member: "collectors", rawValues: try await queries.snapshots(machineID: id, clientID: clientID))
        }
    }

    /// `collectors: false` skips the snapshots (the dashboard's charts need the machine alone).
    private func detail(id: UUID, clientID: UUID, collectors: Bool = true) async throws -> Response {
        async let summary = queries.summary(id: id, clientID: clientID)
        async let labels = queries.labels(machineID: id, clientID: clientID)
        async let snapshots = collectors ? queries.snapshots(machineID: id, clientID: clientID) : [:]
        guard let machine = try await summary else { throw APIError.notFound("machine") }
        return try SplicedJSON.response(DetailHead(machine: machine, labels: try await labels), member: "collectors", rawValues: try await snapshots)
    }

    static func filter(_ query: Parameters) throws -> MachineListStore.Filter {
        var filter = MachineListStore.Filter()
        if let group = query["group_id"] {
            guard let id = UUID(uuidString: String(group)) else { throw APIError.validation("group_id must be a UUID") }
            filter.groupID = id
        }
        filter.siteID = try query.uuid("site_id")
        // Capped at their columns' widths: longer text matches nothing, and these values
        // become part of a Redis cache key.
        filter.labelKey = try query.text("label", maximumLength: 50)
        filter.labelValue = try query.text("label_value", maximumLength: 100)
        if let status = query["status"] {
            guard ["online", "offline"].contains(status) else { throw APIError.validation("status must be online or offline") }
            filter.status = String(status)
        }
        filter.os = try query.text("os", maximumLength: 100)
        filter.search = try query.text("search", maximumLength: 100)
        if let sort = query["sort"] {
            guard MachineListStore.sortColumns[String(sort)] != nil else {
                throw APIError.validation("sort must be one of \(MachineListStore.sortColumns.keys.sorted().joined(separator: ", "))")
            }
            filter.sort = String(sort)
        }
        filter.descending = query["order"] == "desc"
        let paging = try query.paging(defaultLimit: 50, maximumLimit: 500)
        (filter.page, filter.limit) = (paging.page, paging.limit)
        return filter
    }
}
