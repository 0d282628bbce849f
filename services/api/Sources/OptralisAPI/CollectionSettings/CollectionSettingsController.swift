import Foundation
import Hummingbird
import OptralisCore

/// `/api/collection-settings` (spec "Collection Settings"): the scope follows the target given
/// (machine, group, label — with an optional value — or none: the whole client); intervals are
/// checked against each collector's bounds; logged "Paramètres de collecte modifiés".
struct CollectionSettingsController {
    let store: CollectionSettingsStore
    let activity: ActivityLogger

    struct Body: Decodable {
        let name: String?
        let priority: Int?
        let machineID: UUID?
        let groupID: UUID?
        let labelID: UUID?
        let labelValue: String?
        let intervals: [String: Int]?
        let collectorsEnabled: [String: Bool]?
        enum CodingKeys: String, CodingKey {
            case name, priority, intervals
            case machineID = "machine_id", groupID = "group_id", labelID = "label_id", labelValue = "label_value"
            case collectorsEnabled = "collectors_enabled"
        }
    }

    struct List: ResponseEncodable {
        let settings: [CollectionSettingsStore.Setting]
        let count: Int
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get { _, context -> List in
            let settings = try await store.all(clientID: try context.requireIdentity().requireClient())
            return List(settings: settings, count: settings.count)
        }
        group.get(":id") { _, context -> CollectionSettingsStore.Setting in
            guard let setting = try await store.find(id: try Validation.pathID(context), clientID: try context.requireIdentity().requireClient())
            else { throw APIError.notFound("collection setting") }
            return setting
        }
        group.post { request, context -> EditedResponse<CollectionSettingsStore.Setting> in
            let identity = try context.requireIdentity()
            let body = try await request.decode(as: Body.self, context: context)
            guard body.intervals != nil else { throw APIError.validation("intervals is required") }
            let setting = try Self.setting(body, id: UUID(), clientID: try identity.requireClient())
            guard let saved = try await store.save(setting, creating: true, userID: identity.userID) else { throw AppError.internalError }
            try await record(context, saved)
            return EditedResponse(status: .created, response: saved)
        }
        group.put(":id") { request, context -> CollectionSettingsStore.Setting in
            let identity = try context.requireIdentity()
            let clientID = try identity.requireClient()
            let id = try Validation.pathID(context)
            guard let current = try await store.find(id: id, clientID: clientID) else { throw APIError.notFound("collection setting") }
            let body = try await request.decode(as: Body.self, context: context)
            let retargeted = body.machineID != nil || body.groupID != nil || body.labelID != nil
            let merged = Body(
                name: body.name ?? current.name, priority: body.priority ?? current.priority,
                machineID: retargeted ? body.machineID : current.machineID, groupID: retargeted ? body.groupID : current.groupID,
                labelID: retargeted ? body.labelID : current.labelID, labelValue: retargeted ? body.labelValue : current.labelValue,
                intervals: body.intervals ?? current.intervals, collectorsEnabled: body.collectorsEnabled ?? current.collectorsEnabled)
            guard let saved = try await store.save(try Self.setting(merged, id: id, clientID: clientID), creating: false, userID: identity.userID)
            else { throw APIError.notFound("collection setting") }
            try await record(context, saved)
            return saved
        }
        group.delete(":id") { _, context -> CountDone in
            guard try await store.delete(id: try Validation.pathID(context), clientID: try context.requireIdentity().requireClient()) else {
                throw APIError.notFound("collection setting")
            }
            return CountDone(count: 1)
        }
    }

    static func setting(_ body: Body, id: UUID, clientID: UUID) throws -> CollectionSettingsStore.Setting {
        guard let name = try Validation.name(body.name, field: "name"), !name.isEmpty else { throw APIError.validation("name is required") }
        let targets = [body.machineID, body.groupID, body.labelID].compactMap { $0 }.count
        guard targets <= 1 else { throw APIError.validation("give at most one of machine_id, group_id and label_id") }
        if let priority = body.priority { try Validation.integer(priority, field: "priority", in: -Validation.maximumInteger...Validation.maximumInteger) }
        let scope = body.machineID != nil ? "machine" : body.groupID != nil ? "group" : body.labelID != nil ? "label" : "global"
        let intervals = body.intervals ?? [:]
        for (collector, interval) in intervals.sorted(by: { $0.key < $1.key }) {
            guard let bound = CollectionIntervals.bounds.first(where: { $0.collector == collector }) else {
                throw APIError.validation("unknown collector \"\(collector)\"; one of \(CollectionIntervals.bounds.map(\.collector).joined(separator: ", "))")
            }
            guard (bound.minimum...bound.maximum).contains(interval) else {
                throw APIError.validation("\(collector) interval must be between \(bound.minimum) and \(bound.maximum) seconds")
            }
        }
        let enabled = body.collectorsEnabled ?? [:]
        if let unknown = enabled.keys.first(where: { key in !CollectionIntervals.bounds.contains { $0.collector == key } }) {
            throw APIError.validation("unknown collector \"\(unknown)\" in collectors_enabled")
        }
        let labelValue = try Validation.text(body.labelValue, field: "label_value", maximum: 100)
        guard labelValue == nil || scope == "label" else { throw APIError.validation("label_value goes with label_id") }
        return CollectionSettingsStore.Setting(
            id: id, clientID: clientID, name: name, priority: body.priority ?? 0, scope: scope, machineID: body.machineID, groupID: body.groupID,
            labelID: body.labelID, labelValue: labelValue, intervals: intervals, collectorsEnabled: enabled, createdAt: Date())
    }

    private func record(_ context: APIRequestContext, _ setting: CollectionSettingsStore.Setting) async throws {
        let identity = try context.requireIdentity()
        await activity.record(
            .system, "Paramètres de collecte modifiés", metadata: ["name": setting.name, "scope": setting.scope], clientID: try identity.requireClient(),
            userID: identity.userID, ip: context.clientIP)
    }
}

extension CollectionSettingsStore.Setting: ResponseEncodable {}
