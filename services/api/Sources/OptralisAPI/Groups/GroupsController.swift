import Foundation
import Hummingbird
import OptralisCore

/// `/api/groups` CRUD and `PUT /api/machines/assign-group|remove-group`: names 1–50 characters
/// (trimmed, unique per client), colours `#RRGGBB`, at most 100 machines a move.
struct GroupsController {
    let groups: GroupStore
    /// Moves read, caches dropped and writes logged.
    let writes: MachineSetWrites

    struct GroupRequest: Decodable {
        let name: String?
        let color: String?
    }

    struct MoveRequest: MachineMoveBody {
        let groupID: UUID?
        let machineIDs: [UUID]
        enum CodingKeys: String, CodingKey { case groupID = "group_id", machineIDs = "machine_ids" }
    }

    func addRoutes(groups group: RouterGroup<APIRequestContext>, machines: RouterGroup<APIRequestContext>) {
        group.get { _, context -> [GroupStore.Group] in try await groups.all(clientID: try context.requireIdentity().requireClient()) }
        group.post { request, context -> EditedResponse<GroupStore.Group> in
            let body = try await request.decode(as: GroupRequest.self, context: context)
            guard let name = try Validation.text(body.name, field: "name", maximum: 50) else {
                throw APIError.validation("name is required (1 to 50 characters)")
            }
            let created = try await groups.create(
                clientID: try context.requireIdentity().requireClient(), name: name, color: try Validation.color(body.color) ?? "#3b82f6")
            try await writes.record(context, "Groupe créé", category: .system, ["name": name])
            return EditedResponse(status: .created, response: created)
        }
        group.put(":id") { request, context -> GroupStore.Group in
            let body = try await request.decode(as: GroupRequest.self, context: context)
            guard
                let updated = try await groups.update(
                    id: try Validation.pathID(context), clientID: try context.requireIdentity().requireClient(),
                    name: try Validation.text(body.name, field: "name", maximum: 50),
                    color: try Validation.color(body.color))
            else { throw APIError.notFound("group") }
            try await writes.record(context, "Groupe modifié", category: .system, ["name": updated.name])
            return updated
        }
        group.delete(":id") { _, context -> CountDone in
            guard try await groups.delete(id: try Validation.pathID(context), clientID: try context.requireIdentity().requireClient()) else {
                throw APIError.notFound("group")
            }
            try await writes.record(context, "Groupe supprimé", category: .system, [:])
            return CountDone(count: 1)
        }
        machines.put("assign-group") { request, context -> CountDone in
            let body = try await writes.move(MoveRequest.self, request, context)
            guard let groupID = body.groupID else { throw APIError.validation("group_id is required") }
            let clientID = try context.requireIdentity().requireClient()
            guard try await groups.exists(id: groupID, clientID: clientID) else { throw APIError.notFound("group") }
            let moved = try await groups.place(machineIDs: body.machineIDs, groupID: groupID, clientID: clientID)
            try await writes.record(context, "Machines assignées au groupe", category: .machine, ["machines": String(moved)])
            return CountDone(count: moved)
        }
        machines.put("remove-group") { request, context -> CountDone in
            let body = try await writes.move(MoveRequest.self, request, context)
            let moved = try await groups.place(machineIDs: body.machineIDs, groupID: nil, clientID: try context.requireIdentity().requireClient())
            try await writes.record(context, "Machines retirées du groupe", category: .machine, ["machines": String(moved)])
            return CountDone(count: moved)
        }
    }
}

extension GroupStore.Group: ResponseEncodable {}
