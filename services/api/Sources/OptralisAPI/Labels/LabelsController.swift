import Foundation
import Hummingbird
import OptralisCore

/// `/api/labels…`, `/api/machines/:id/labels` and `/api/machines/labels/batch` (spec "Labels
/// (Tags Machines)"): key 1–50 characters, colour `#RRGGBB` (default blue), value ≤ 100
/// characters (default: the key), at most 10 labels a machine and 100 machines a batch.
struct LabelsController {
    let labels: LabelStore
    let activity: ActivityLogger
    let cache: FleetCache

    struct LabelRequest: Decodable {
        let key: String?
        let color: String?
    }

    struct AssignRequest: Decodable {
        let labelID: UUID
        let value: String?
        let machineIDs: [UUID]
        enum CodingKeys: String, CodingKey { case labelID = "label_id", value, machineIDs = "machine_ids" }
    }

    struct BatchRequest: Decodable {
        let machineIDs: [UUID]
        enum CodingKeys: String, CodingKey { case machineIDs = "machine_ids" }
    }

    func addRoutes(labels group: RouterGroup<APIRequestContext>, machines: RouterGroup<APIRequestContext>) {
        group.get { _, context -> [LabelStore.Label] in try await labels.all(clientID: try context.requireIdentity().requireClient()) }
        group.post { request, context -> EditedResponse<LabelStore.Label> in
            let body = try await request.decode(as: LabelRequest.self, context: context)
            guard let key = try Validation.text(body.key, field: "key", maximum: 50) else { throw APIError.validation("key is required (1 to 50 characters)") }
            let clientID = try context.requireIdentity().requireClient()
            let label = try await labels.create(clientID: clientID, key: key, color: try Validation.color(body.color) ?? "#3b82f6")
            try await record(context, "Label créé", ["key": key])
            return EditedResponse(status: .created, response: label)
        }
        group.put(":id") { request, context -> LabelStore.Label in
            let body = try await request.decode(as: LabelRequest.self, context: context)
            let clientID = try context.requireIdentity().requireClient()
            guard
                let label = try await labels.update(
                    id: try Validation.pathID(context), clientID: clientID, key: try Validation.text(body.key, field: "key", maximum: 50),
                    color: try Validation.color(body.color))
            else { throw APIError.notFound("label") }
            try await record(context, "Label modifié", ["key": label.key])
            return label
        }
        group.delete(":id") { _, context -> CountDone in
            guard try await labels.delete(id: try Validation.pathID(context), clientID: try context.requireIdentity().requireClient()) else {
                throw APIError.notFound("label")
            }
            try await record(context, "Label supprimé", [:])
            return CountDone(count: 1)
        }
        group.get(":id/machines") { request, context -> [LabelStore.Assignment] in
            let clientID = try context.requireIdentity().requireClient()
            let id = try Validation.pathID(context)
            guard try await labels.find(id: id, clientID: clientID) != nil else { throw APIError.notFound("label") }
            return try await labels.assignments(labelID: id, value: request.uri.queryParameters["value"].map(String.init), clientID: clientID)
        }
        group.post("assign") { request, context -> CountDone in
            let (clientID, label, body) = try await assignment(request, context)
            let value = try Validation.text(body.value, field: "value", maximum: 100) ?? label.key.clipped(toCodePoints: 100)
            let count = try await labels.assign(labelID: label.id, value: value, machineIDs: body.machineIDs, clientID: clientID)
            try await record(context, "Label assigné aux machines", ["key": label.key, "value": value, "machines": String(count)], category: .machine)
            return CountDone(count: count)
        }
        group.delete("assign") { request, context -> CountDone in
            let (clientID, label, body) = try await assignment(request, context)
            return CountDone(count: try await labels.unassign(labelID: label.id, machineIDs: body.machineIDs, clientID: clientID))
        }
        machines.get(":id/labels") { _, context -> [LabelStore.MachineLabel] in
            let clientID = try context.requireIdentity().requireClient()
            let id = try Validation.pathID(context)
            guard let found = try await labels.labels(machineIDs: [id], clientID: clientID)[id] else { throw APIError.notFound("machine") }
            return found
        }
        machines.post("labels/batch") { request, context -> [String: [LabelStore.MachineLabel]] in
            let body = try await request.decode(as: BatchRequest.self, context: context)
            guard body.machineIDs.count <= Validation.maximumBatch else { throw APIError.validation("at most \(Validation.maximumBatch) machines a batch") }
            let found = try await labels.labels(machineIDs: body.machineIDs, clientID: try context.requireIdentity().requireClient())
            return Dictionary(uniqueKeysWithValues: found.map { ($0.key.uuidString.lowercased(), $0.value) })
        }
    }

    private func assignment(_ request: Request, _ context: APIRequestContext) async throws -> (UUID, LabelStore.Label, AssignRequest) {
        let body = try await request.decode(as: AssignRequest.self, context: context)
        guard (1...Validation.maximumBatch).contains(body.machineIDs.count) else {
            throw APIError.validation("machine_ids must hold 1 to \(Validation.maximumBatch) machines")
        }
        let clientID = try context.requireIdentity().requireClient()
        guard let label = try await labels.find(id: body.labelID, clientID: clientID) else { throw APIError.notFound("label") }
        return (clientID, label, body)
    }

    private func record(
        _ context: APIRequestContext, _ message: String, _ metadata: [String: String], category: ActivityLogger.Category = .system
    ) async throws {
        let identity = try context.requireIdentity()
        let clientID = try identity.requireClient()
        // Group names and labels appear in, and filter, the cached machine list.
        await cache.invalidateMachines(clientID: clientID)
        await activity.record(category, message, metadata: metadata, clientID: clientID, userID: identity.userID, ip: context.clientIP)
    }
}

extension LabelStore.Label: ResponseEncodable {}
