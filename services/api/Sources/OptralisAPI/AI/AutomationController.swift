import Foundation
import Hummingbird
import Logging
import OptralisCore
import OptralisServer
import PostgresNIO

/// `/api/ai/routines`, `/api/ai/triggers` (Essentials or above; admins write) and
/// `/api/ai/automation` (Pro or above): scheduled and condition-based AI analyses. The scheduler
/// runs routines when `next_run_at` is due; every edit here recomputes it from the cron schedule
/// (UTC). Changes are logged "Configuration IA modifiée".
struct AutomationController {
    let routines: AIRoutineStore
    let triggers: AITriggerStore
    let gate: LicenceGate
    let activity: ActivityLogger

    struct RoutineRequest: Decodable {
        let routineType: String?
        let schedule: String?
        let enabled: Bool?
        let config: JSONValue?
        enum CodingKeys: String, CodingKey { case routineType = "routine_type", schedule, enabled, config }
    }

    struct TriggerRequest: Decodable {
        let triggerType: String?
        let enabled: Bool?
        let conditions: JSONValue?
        let actions: JSONValue?
        enum CodingKeys: String, CodingKey { case triggerType = "trigger_type", enabled, conditions, actions }
    }

    struct RoutineList: ResponseEncodable { let routines: [AIRoutineStore.Routine] }
    struct TriggerList: ResponseEncodable { let triggers: [AITriggerStore.Trigger] }
    struct RunList: ResponseEncodable { let history: [AIRoutineStore.Run] }
    struct FiringList: ResponseEncodable { let history: [AITriggerStore.Firing] }

    struct Overview: ResponseEncodable {
        struct RoutineEntry: Encodable {
            let routine: AIRoutineStore.Routine
            let lastHistory: AIRoutineStore.Run?
            enum CodingKeys: String, CodingKey { case routine, lastHistory = "last_history" }
        }
        struct TriggerEntry: Encodable {
            let trigger: AITriggerStore.Trigger
            let lastHistory: AITriggerStore.Firing?
            enum CodingKeys: String, CodingKey { case trigger, lastHistory = "last_history" }
        }
        let routines: [RoutineEntry]
        let triggers: [TriggerEntry]
        let routineStats: AIRoutineStore.Stats
        let triggerStats: AITriggerStore.Stats
        enum CodingKeys: String, CodingKey { case routines, triggers, routineStats = "routine_stats", triggerStats = "trigger_stats" }
    }

    func addRoutes(to ai: RouterGroup<APIRequestContext>) {
        addRoutineRoutes(to: ai.group("routines"))
        addTriggerRoutes(to: ai.group("triggers"))
        ai.get("automation") { _, context -> Overview in
            let clientID = try await gated(context, .pro)
            async let routineList = routines.list(clientID: clientID)
            async let lastRuns = routines.lastRuns(clientID: clientID)
            async let triggerList = triggers.list(clientID: clientID)
            async let lastFirings = triggers.history(triggerID: nil, clientID: clientID, limit: AutomationRules.maximumTriggers, latestPerTrigger: true)
            async let routineStats = routines.stats(clientID: clientID)
            async let triggerStats = triggers.stats(clientID: clientID)
            let runs = try await lastRuns
            let firings = Dictionary(try await lastFirings.map { ($0.triggerID, $0) }) { first, _ in first }
            return Overview(
                routines: try await routineList.map { .init(routine: $0, lastHistory: runs[$0.id]) },
                triggers: try await triggerList.map { .init(trigger: $0, lastHistory: firings[$0.id]) },
                routineStats: try await routineStats, triggerStats: try await triggerStats)
        }
    }

    private func addRoutineRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get { _, context -> RoutineList in RoutineList(routines: try await routines.list(clientID: try await gated(context))) }
        group.get("stats") { _, context -> AIRoutineStore.Stats in try await routines.stats(clientID: try await gated(context)) }
        group.get(":id") { _, context -> AIRoutineStore.Routine in
            let clientID = try await gated(context)
            guard let routine = try await routines.find(id: try Validation.pathID(context), clientID: clientID) else { throw APIError.notFound("routine") }
            return routine
        }
        group.get(":id/history") { request, context -> RunList in
            let clientID = try await gated(context)
            let id = try Validation.pathID(context)
            guard try await routines.find(id: id, clientID: clientID) != nil else { throw APIError.notFound("routine") }
            return RunList(history: try await routines.history(routineID: id, clientID: clientID, limit: try Self.limit(request)))
        }
        group.post { request, context -> EditedResponse<AIRoutineStore.Routine> in
            let clientID = try await gated(context)
            let body = try await request.decode(as: RoutineRequest.self, context: context)
            guard let type = body.routineType, AutomationRules.routineTypes.contains(type) else {
                throw APIError.validation("routine_type must be one of \(AutomationRules.routineTypes.sorted().joined(separator: ", "))")
            }
            guard let schedule = body.schedule else { throw APIError.validation("schedule is required (a cron expression, e.g. \"0 8 * * *\")") }
            guard try await routines.count(clientID: clientID) < AutomationRules.maximumRoutines else {
                throw AIError.routineLimitReached
            }
            let input = try await routineInput(type: type, schedule: schedule, enabled: body.enabled ?? true, config: body.config, clientID: clientID)
            let identity = try context.requireIdentity()
            let created = try await routines.create(input, clientID: clientID, userID: identity.userID)
            await record(context, clientID, "Routine IA créée", ["routine_type": type])
            return EditedResponse(status: .created, response: created)
        }
        group.put(":id") { request, context -> AIRoutineStore.Routine in
            let clientID = try await gated(context)
            let id = try Validation.pathID(context)
            let body = try await request.decode(as: RoutineRequest.self, context: context)
            guard let current = try await routines.find(id: id, clientID: clientID) else { throw APIError.notFound("routine") }
            if let type = body.routineType, type != current.routineType { throw APIError.validation("routine_type cannot change: create another routine") }
            let input = try await routineInput(
                type: current.routineType, schedule: body.schedule ?? current.schedule, enabled: body.enabled ?? current.enabled,
                config: body.config ?? current.config, clientID: clientID)
            guard let updated = try await routines.update(id: id, clientID: clientID, input) else { throw APIError.notFound("routine") }
            await record(context, clientID, "Routine IA modifiée", ["routine_type": current.routineType])
            return updated
        }
        group.delete(":id") { _, context -> CountDone in
            let clientID = try await gated(context)
            guard try await routines.delete(id: try Validation.pathID(context), clientID: clientID) else { throw APIError.notFound("routine") }
            await record(context, clientID, "Routine IA supprimée", [:])
            return CountDone(count: 1)
        }
    }

    private func addTriggerRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get { _, context -> TriggerList in TriggerList(triggers: try await triggers.list(clientID: try await gated(context))) }
        group.get("stats") { _, context -> AITriggerStore.Stats in try await triggers.stats(clientID: try await gated(context)) }
        group.get(":id") { _, context -> AITriggerStore.Trigger in
            let clientID = try await gated(context)
            guard let trigger = try await triggers.find(id: try Validation.pathID(context), clientID: clientID) else { throw APIError.notFound("trigger") }
            return trigger
        }
        group.get(":id/history") { request, context -> FiringList in
            let clientID = try await gated(context)
            let id = try Validation.pathID(context)
            guard try await triggers.find(id: id, clientID: clientID) != nil else { throw APIError.notFound("trigger") }
            return FiringList(history: try await triggers.history(triggerID: id, clientID: clientID, limit: try Self.limit(request)))
        }
        group.post { request, context -> EditedResponse<AITriggerStore.Trigger> in
            let clientID = try await gated(context)
            let body = try await request.decode(as: TriggerRequest.self, context: context)
            guard let type = body.triggerType, AutomationRules.triggerTypes.contains(type) else {
                throw APIError.validation("trigger_type must be one of \(AutomationRules.triggerTypes.sorted().joined(separator: ", "))")
            }
            guard try await triggers.count(clientID: clientID) < AutomationRules.maximumTriggers else {
                throw AIError.triggerLimitReached
            }
            let input = try await triggerInput(
                type: type, enabled: body.enabled ?? true, conditions: body.conditions, actions: body.actions, clientID: clientID)
            let created = try await triggers.create(input, clientID: clientID, userID: try context.requireIdentity().userID)
            await record(context, clientID, "Déclencheur IA créé", ["trigger_type": type])
            return EditedResponse(status: .created, response: created)
        }
        group.put(":id") { request, context -> AITriggerStore.Trigger in
            let clientID = try await gated(context)
            let id = try Validation.pathID(context)
            let body = try await request.decode(as: TriggerRequest.self, context: context)
            guard let current = try await triggers.find(id: id, clientID: clientID) else { throw APIError.notFound("trigger") }
            if let type = body.triggerType, type != current.triggerType { throw APIError.validation("trigger_type cannot change: create another trigger") }
            let input = try await triggerInput(
                type: current.triggerType, enabled: body.enabled ?? current.enabled, conditions: body.conditions ?? current.conditions,
                actions: body.actions ?? current.actions, clientID: clientID)
            guard let updated = try await triggers.update(id: id, clientID: clientID, input) else { throw APIError.notFound("trigger") }
            await record(context, clientID, "Déclencheur IA modifié", ["trigger_type": current.triggerType])
            return updated
        }
        group.delete(":id") { _, context -> CountDone in
            let clientID = try await gated(context)
            guard try await triggers.delete(id: try Validation.pathID(context), clientID: clientID) else { throw APIError.notFound("trigger") }
            await record(context, clientID, "Déclencheur IA supprimé", [:])
            return CountDone(count: 1)
        }
    }

    private func routineInput(type: String, schedule: String, enabled: Bool, config: JSONValue?, clientID: UUID) async throws -> AIRoutineStore.Input {
        let (next, hour, day) = try AutomationRules.schedule(schedule, routineType: type)
        let (json, channels, machines) = try AutomationRules.routineConfig(config)
        try await requireOwned(channels: channels, machines: machines, clientID: clientID)
        return .init(
            routineType: type, schedule: schedule.trimmingCharacters(in: .whitespaces), scheduleHour: hour, scheduleDay: day, enabled: enabled,
            config: json, nextRunAt: enabled ? next : nil)
    }

    private func triggerInput(type: String, enabled: Bool, conditions: JSONValue?, actions: JSONValue?, clientID: UUID) async throws -> AITriggerStore.Input {
        let checked = try AutomationRules.trigger(type: type, conditions: conditions, actions: actions)
        try await requireOwned(channels: checked.channels, machines: [], clientID: clientID)
        return .init(triggerType: type, enabled: enabled, conditions: checked.conditions, actions: checked.actions)
    }

    /// Notification channels and machines named in a routine or trigger must be the client's own.
    private func requireOwned(channels: [UUID], machines: [UUID], clientID: UUID) async throws {
        let (ownedChannels, ownedMachines) = try await routines.owned(channels: channels, machines: machines, clientID: clientID)
        guard ownedChannels == Set(channels).count else { throw APIError.validation("notify_channels names a channel this client does not have") }
        guard ownedMachines == Set(machines).count else { throw APIError.validation("config.machines names a machine this client does not have") }
    }

    /// The caller's client, once its licence allows the feature (Essentials by default).
    private func gated(_ context: APIRequestContext, _ tier: LicenceGate.Tier = .essentials) async throws -> UUID {
        let clientID = try context.requireIdentity().requireClient()
        try await gate.require(tier, clientID: clientID)
        return clientID
    }

    private static func limit(_ request: Request) throws -> Int {
        try request.uri.queryParameters.integer("limit", default: 20, in: 1...100)
    }

    private func record(_ context: APIRequestContext, _ clientID: UUID, _ message: String, _ metadata: [String: String]) async {
        await activity.record(.system, message, metadata: metadata, clientID: clientID, userID: context.identity?.userID, ip: context.clientIP)
    }
}

extension AIRoutineStore.Routine: ResponseEncodable {}
extension AIRoutineStore.Stats: ResponseEncodable {}
extension AITriggerStore.Trigger: ResponseEncodable {}
extension AITriggerStore.Stats: ResponseEncodable {}
