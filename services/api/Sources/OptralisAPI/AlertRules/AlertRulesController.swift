import Foundation
import Hummingbird
import OptralisCore
import OptralisServer

/// `/api/alert-rules`: the spec's rule CRUD, history and metadata (admins write, observers read).
struct AlertRulesController {
    let rules: AlertRuleStore
    let activity: ActivityLogger

    /// The `db_*` metrics: a machine's monitored databases (docs/databases.md), the busiest
    /// connection count, the lowest cache hit ratio, the longest replication lag (ms).
    static let metrics = ["cpu", "ram", "disk", "temperature", "offline_minutes", "db_connections", "db_cache_hit_ratio", "db_replication_lag_ms"]
    static let operators = [">", "<", ">=", "<=", "=="]
    static let severities = ["low", "warning", "critical"]

    struct Body: Decodable {
        let name: String
        let metric: String
        let `operator`: String
        let threshold: Double
        let severity: String
        let enabled: Bool?
        let cooldownMinutes: Int?
        let machineID: UUID?
        let groupID: UUID?
        let channelIDs: [UUID]?
        enum CodingKeys: String, CodingKey {
            case name, metric, `operator`, threshold, severity, enabled
            case cooldownMinutes = "cooldown_minutes", machineID = "machine_id", groupID = "group_id", channelIDs = "channel_ids"
        }
    }
    struct RuleList: ResponseEncodable { let rules: [AlertRuleStore.Rule] }
    struct Metadata: ResponseEncodable {
        let metrics: [String]
        let operators: [String]
        let severities: [String]
    }
    struct History: ResponseEncodable {
        let history: [AlertRuleStore.HistoryEntry]
        let total: Int
        let limit: Int
        let offset: Int
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get { _, context in RuleList(rules: try await rules.list(clientID: try context.requireIdentity().requireClient())) }
        group.get("metadata") { _, _ in Metadata(metrics: Self.metrics, operators: Self.operators, severities: Self.severities) }
        group.get("history") { request, context -> History in
            let clientID = try context.requireIdentity().requireClient()
            let query = request.uri.queryParameters
            let limit = try query.integer("limit", default: 50, in: 1...500)
            let offset = try query.integer("offset", default: 0, in: 0...Paging.maximumOffset)
            let (entries, total) = try await rules.history(
                clientID: clientID, ruleID: try query.uuid("rule_id"), machineID: try query.uuid("machine_id"), limit: limit, offset: offset)
            return History(history: entries, total: total, limit: limit, offset: offset)
        }
        group.get(":id") { _, context -> AlertRuleStore.Rule in
            let clientID = try context.requireIdentity().requireClient()
            guard let rule = try await rules.find(id: try context.parameters.require("id", as: UUID.self), clientID: clientID) else {
                throw APIError.notFound("alert rule")
            }
            return rule
        }
        group.post { request, context -> Response in
            let identity = try context.requireIdentity()
            let clientID = try identity.requireClient()
            let input = try await validated(try await request.decode(as: Body.self, context: context), clientID: clientID)
            let id = try await rules.insert(clientID: clientID, input, createdBy: identity.userID)
            await activity.record(
                .system, "Règle d'alerte créée", metadata: ["name": input.name], clientID: clientID, userID: identity.userID, ip: context.clientIP)
            guard let rule = try await rules.find(id: id, clientID: clientID) else { throw APIError.notFound("alert rule") }
            return try rule.jsonResponse(from: request, context: context, status: .created)
        }
        group.put(":id") { request, context -> AlertRuleStore.Rule in
            let identity = try context.requireIdentity()
            let clientID = try identity.requireClient()
            let id = try context.parameters.require("id", as: UUID.self)
            guard try await rules.find(id: id, clientID: clientID) != nil else { throw APIError.notFound("alert rule") }
            let input = try await validated(try await request.decode(as: Body.self, context: context), clientID: clientID)
            guard try await rules.update(id: id, clientID: clientID, input), let rule = try await rules.find(id: id, clientID: clientID) else {
                throw APIError.notFound("alert rule")
            }
            await activity.record(
                .system, "Règle d'alerte modifiée", metadata: ["name": input.name], clientID: clientID, userID: identity.userID, ip: context.clientIP)
            return rule
        }
        group.delete(":id") { _, context -> HTTPResponse.Status in
            let identity = try context.requireIdentity()
            let clientID = try identity.requireClient()
            guard try await rules.delete(id: try context.parameters.require("id", as: UUID.self), clientID: clientID) else {
                throw APIError.notFound("alert rule")
            }
            await activity.record(.system, "Règle d'alerte supprimée", clientID: clientID, userID: identity.userID, ip: context.clientIP)
            return .noContent
        }
    }

    /// The spec's rules: enums, cooldown ≥ 5 (default 60), one scope at most, and a scope and
    /// channels of the caller's own client (another client's ids are refused like unknown ones).
    func validated(_ body: Body, clientID: UUID) async throws -> AlertRuleStore.Input {
        let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.unicodeScalars.count) else { throw APIError.validation("name must be 1 to 100 characters") }
        guard Self.metrics.contains(body.metric) else { throw APIError.validation("metric must be one of \(Self.metrics.joined(separator: ", "))") }
        guard Self.operators.contains(body.operator) else { throw APIError.validation("operator must be one of \(Self.operators.joined(separator: " "))") }
        guard Self.severities.contains(body.severity) else { throw APIError.validation("severity must be low, warning or critical") }
        guard body.threshold.isFinite else { throw APIError.validation("threshold must be a number") }
        let cooldown = body.cooldownMinutes ?? 60
        guard (5...10_080).contains(cooldown) else { throw APIError.validation("cooldown_minutes must be between 5 and 10080") }
        guard body.machineID == nil || body.groupID == nil else { throw APIError.validation("a rule targets a machine or a group, not both") }
        if let machine = body.machineID, try await rules.countOwned([machine], table: "machines", clientID: clientID) != 1 {
            throw APIError.validation("machine_id is not a machine of this client")
        }
        if let group = body.groupID, try await rules.countOwned([group], table: "groups", clientID: clientID) != 1 {
            throw APIError.validation("group_id is not a group of this client")
        }
        let channels = Array(Set(body.channelIDs ?? []))
        if try await rules.countOwned(channels, table: "notification_channels", clientID: clientID) != channels.count {
            throw APIError.validation("channel_ids holds a channel that is not one of this client")
        }
        return .init(
            name: name, metric: body.metric, operator: body.operator, threshold: body.threshold, severity: body.severity, enabled: body.enabled ?? true,
            cooldownMinutes: cooldown, machineID: body.machineID, groupID: body.groupID, channelIDs: channels)
    }
}

extension AlertRuleStore.Rule: ResponseEncodable {}
