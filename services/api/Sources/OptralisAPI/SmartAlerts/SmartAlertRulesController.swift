import Foundation
import Hummingbird
import OptralisCore

/// `/api/alerts/rules` (spec "Alertes Intelligentes (Essentials+)"): the smart rules' CRUD. Every
/// route needs the Essentials licence or above (403 `PREMIUM_REQUIRED`); observers read, admins
/// write (``TenantMiddleware``); another client's rule is 404. At most
/// ``SmartAlertPolicy/maximumRules`` a client. The scheduler evaluates them; docs/smart-alerts.md
/// says how they relate to the plain `/api/alert-rules`.
struct SmartAlertRulesController {
    let rules: SmartAlertRuleStore
    let gate: LicenceGate
    let activity: ActivityLogger

    struct RuleList: ResponseEncodable {
        let rules: [SmartAlertRuleStore.Rule]
        let limit: Int
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get { _, context -> RuleList in
            RuleList(rules: try await rules.list(clientID: try await client(context)), limit: SmartAlertPolicy.maximumRules)
        }
        group.get(":id") { _, context -> SmartAlertRuleStore.Rule in
            guard let rule = try await rules.find(id: try Validation.pathID(context), clientID: try await client(context)) else {
                throw APIError.notFound("smart alert rule")
            }
            return rule
        }
        group.post { request, context -> EditedResponse<SmartAlertRuleStore.Rule> in
            let clientID = try await client(context)
            let input = try await validated(request, context, clientID: clientID)
            guard try await rules.count(clientID: clientID) < SmartAlertPolicy.maximumRules else {
                throw SmartAlertError.ruleLimitReached
            }
            let created = try await rules.create(clientID: clientID, input, createdBy: try context.requireIdentity().userID)
            await record(context, clientID, "Règle d'alerte intelligente créée", name: input.name)
            return EditedResponse(status: .created, response: created)
        }
        group.put(":id") { request, context -> SmartAlertRuleStore.Rule in
            let clientID = try await client(context)
            let id = try Validation.pathID(context)
            guard try await rules.find(id: id, clientID: clientID) != nil else { throw APIError.notFound("smart alert rule") }
            guard let updated = try await rules.update(id: id, clientID: clientID, try await validated(request, context, clientID: clientID)) else {
                throw APIError.notFound("smart alert rule")
            }
            await record(context, clientID, "Règle d'alerte intelligente modifiée", name: updated.name)
            return updated
        }
        group.delete(":id") { _, context -> HTTPResponse.Status in
            let clientID = try await client(context)
            guard try await rules.delete(id: try Validation.pathID(context), clientID: clientID) else { throw APIError.notFound("smart alert rule") }
            await record(context, clientID, "Règle d'alerte intelligente supprimée", name: nil)
            return .noContent
        }
    }

    /// The caller's client, once its licence is checked (Essentials or above).
    private func client(_ context: APIRequestContext) async throws -> UUID {
        let clientID = try context.requireIdentity().requireClient()
        try await gate.require(.essentials, clientID: clientID)
        return clientID
    }

    /// The body, validated; a machine or group of another client is refused like an unknown one.
    private func validated(_ request: Request, _ context: APIRequestContext, clientID: UUID) async throws -> SmartAlertRuleInput {
        let input = try SmartAlertRuleInput(try await request.decode(as: SmartAlertRuleInput.Body.self, context: context))
        guard try await rules.owns(machineID: input.machineID, groupID: input.groupID, clientID: clientID) else {
            throw APIError.validation(input.machineID != nil ? "machine_id is not a machine of this client" : "group_id is not a group of this client")
        }
        return input
    }

    private func record(_ context: APIRequestContext, _ clientID: UUID, _ message: String, name: String?) async {
        let identity = try? context.requireIdentity()
        await activity.record(.system, message, metadata: name.map { ["name": $0] } ?? [:], clientID: clientID, userID: identity?.userID, ip: context.clientIP)
    }
}

extension SmartAlertRuleStore.Rule: ResponseEncodable {}
