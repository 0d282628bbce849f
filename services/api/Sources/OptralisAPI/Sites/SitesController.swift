import Foundation
import Hummingbird
import OptralisCore

/// `/api/sites` (spec "Multi-Sites (Business+)"): CRUD, a site's machines and health, the
/// consolidated overview, and `PUT /api/machines/assign-site|remove-site` (at most 100 machines a
/// move). Every route needs the Business licence or above (403 `PREMIUM_REQUIRED`); observers
/// read, admins write (``TenantMiddleware``). Names 1–100 characters (trimmed, unique per
/// client), locations up to 200, time zones IANA identifiers (default Europe/Paris).
struct SitesController {
    let sites: SiteStore
    let queries: MachineListStore
    let gate: LicenceGate
    /// Moves read, caches dropped and writes logged.
    let writes: MachineSetWrites

    struct SiteRequest: Decodable {
        let name: String?
        let location: String?
        let timezone: String?
    }

    struct MoveRequest: MachineMoveBody {
        let siteID: UUID?
        let machineIDs: [UUID]
        enum CodingKeys: String, CodingKey { case siteID = "site_id", machineIDs = "machine_ids" }
    }

    func addRoutes(sites group: RouterGroup<APIRequestContext>, machines: RouterGroup<APIRequestContext>) {
        group.get { _, context -> [SiteStore.Site] in try await sites.all(clientID: try await client(context)) }
        group.post { request, context -> EditedResponse<SiteStore.Site> in
            let clientID = try await client(context)
            let body = try await request.decode(as: SiteRequest.self, context: context)
            guard let name = try Validation.text(body.name, field: "name", maximum: 100) else {
                throw APIError.validation("name is required (1 to 100 characters)")
            }
            let created = try await sites.create(
                clientID: clientID, name: name, location: try Self.location(body.location) ?? nil, timezone: try Self.timezone(body.timezone) ?? "Europe/Paris")
            try await writes.record(context, "Site créé", category: .system, ["name": name])
            return EditedResponse(status: .created, response: created)
        }
        group.get("overview") { _, context -> SitesOverview in
            let clientID = try await client(context)
            async let figures = sites.figures(clientID: clientID)
            async let unassigned = sites.unassigned(clientID: clientID)
            return SitesOverview(sites: try await figures, unassigned: try await unassigned)
        }
        group.get(":id") { _, context -> SiteStore.Site in
            guard let site = try await sites.find(id: try Validation.pathID(context), clientID: try await client(context)) else {
                throw APIError.notFound("site")
            }
            return site
        }
        group.put(":id") { request, context -> SiteStore.Site in
            let clientID = try await client(context)
            let id = try Validation.pathID(context)
            let body = try await request.decode(as: SiteRequest.self, context: context)
            let location = try Self.location(body.location)
            guard
                let updated = try await sites.update(
                    id: id, clientID: clientID, name: try Validation.text(body.name, field: "name", maximum: 100), location: location ?? nil,
                    clearLocation: location == .some(nil), timezone: try Self.timezone(body.timezone))
            else { throw APIError.notFound("site") }
            try await writes.record(context, "Site modifié", category: .system, ["name": updated.name])
            return updated
        }
        group.delete(":id") { _, context -> CountDone in
            let clientID = try await client(context)
            guard try await sites.delete(id: try Validation.pathID(context), clientID: clientID) else { throw APIError.notFound("site") }
            try await writes.record(context, "Site supprimé", category: .system, [:])
            return CountDone(count: 1)
        }
        group.get(":id/machines") { request, context -> MachineListController.Page in
            let clientID = try await client(context)
            let id = try Validation.pathID(context)
            var filter = MachineListStore.Filter()
            filter.siteID = id
            let paging = try request.uri.queryParameters.paging(defaultLimit: 50, maximumLimit: 500)
            (filter.page, filter.limit) = (paging.page, paging.limit)
            guard try await sites.exists(id: id, clientID: clientID) else { throw APIError.notFound("site") }
            let (machines, total) = try await queries.list(clientID: clientID, filter)
            return MachineListController.Page(machines: machines, total: total, page: filter.page, limit: filter.limit)
        }
        group.get(":id/health") { _, context -> SiteHealth in
            guard let figures = try await sites.figures(clientID: try await client(context), siteID: try Validation.pathID(context)).first else {
                throw APIError.notFound("site")
            }
            return SiteHealth(figures)
        }
        machines.put("assign-site") { request, context -> CountDone in
            let clientID = try await client(context)
            let body = try await writes.move(MoveRequest.self, request, context)
            guard let siteID = body.siteID else { throw APIError.validation("site_id is required") }
            guard try await sites.exists(id: siteID, clientID: clientID) else { throw APIError.notFound("site") }
            let moved = try await sites.place(machineIDs: body.machineIDs, siteID: siteID, clientID: clientID)
            try await writes.record(context, "Machines assignées au site", category: .machine, ["machines": String(moved)])
            return CountDone(count: moved)
        }
        machines.put("remove-site") { request, context -> CountDone in
            let clientID = try await client(context)
            let body = try await writes.move(MoveRequest.self, request, context)
            let moved = try await sites.place(machineIDs: body.machineIDs, siteID: nil, clientID: clientID)
            try await writes.record(context, "Machines retirées du site", category: .machine, ["machines": String(moved)])
            return CountDone(count: moved)
        }
    }

    /// The caller's client, once its licence is checked (Business or above).
    private func client(_ context: APIRequestContext) async throws -> UUID {
        let clientID = try context.requireIdentity().requireClient()
        try await gate.require(.business, clientID: clientID)
        return clientID
    }

    /// nil: absent (kept on update); `.some(nil)`: empty (cleared); else trimmed, at most 200 characters.
    static func location(_ raw: String?) throws -> String?? {
        guard let raw else { return nil }
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty { return .some(nil) }
        return .some(try Validation.text(value, field: "location", maximum: 200))
    }

    /// An IANA time zone identifier (`Europe/Paris`), at most 50 characters; nil when absent.
    static func timezone(_ raw: String?) throws -> String? {
        guard let raw else { return nil }
        guard raw.unicodeScalars.count <= 50, raw.wholeMatch(of: /[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*/) != nil, TimeZone(identifier: raw) != nil
        else { throw APIError.validation("timezone must be an IANA time zone such as Europe/Paris") }
        return raw
    }
}

extension SiteStore.Site: ResponseEncodable {}
extension SiteHealth: ResponseEncodable {}
extension SitesOverview: ResponseEncodable {}
