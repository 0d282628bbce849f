import Foundation
import Hummingbird
import OptralisCore
import OptralisServer

/// `/api/machines/by-hostname/:hostname/risk-overrides`: list, create or replace (one override per
/// risk type and key), delete. Observers only read (tenant gate).
struct RiskOverridesController {
    let overrides: RiskOverrideStore
    let machines: MachineStore
    let activity: ActivityLogger

    static let statuses: Set<String> = ["accepted", "false_positive", "mitigated"]

    struct OverrideRequest: Decodable {
        let riskType: String?
        let riskKey: String?
        let status: String?
        let reason: String?
        let expiresAt: Date?
        enum CodingKeys: String, CodingKey { case riskType = "risk_type", riskKey = "risk_key", status, reason, expiresAt = "expires_at" }
    }

    struct OverrideList: ResponseEncodable {
        let hostname: String
        let overrides: [RiskOverrideStore.Override]
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("by-hostname/:hostname/risk-overrides") { _, context -> OverrideList in
            let (clientID, machine, hostname) = try await target(context)
            return OverrideList(hostname: hostname, overrides: try await overrides.list(machineID: machine, clientID: clientID))
        }
        group.post("by-hostname/:hostname/risk-overrides") { request, context -> EditedResponse<RiskOverrideStore.Override> in
            let (clientID, machine, hostname) = try await target(context)
            let input = try Self.validated(try await request.decode(as: OverrideRequest.self, context: context))
            let identity = try context.requireIdentity()
            let (saved, created) = try await overrides.upsert(input, machineID: machine, clientID: clientID, userID: identity.userID)
            await activity.record(
                .machine, created ? "Exception de risque créée" : "Exception de risque modifiée",
                metadata: ["hostname": hostname, "risk_type": input.riskType, "risk_key": input.riskKey, "status": input.status], clientID: clientID,
                userID: identity.userID, ip: context.clientIP)
            return EditedResponse(status: created ? .created : .ok, response: saved)
        }
        group.delete("by-hostname/:hostname/risk-overrides/:id") { _, context -> CountDone in
            let (clientID, machine, hostname) = try await target(context)
            guard try await overrides.delete(id: try Validation.pathID(context), machineID: machine, clientID: clientID) else {
                throw APIError.notFound("risk override")
            }
            let identity = try context.requireIdentity()
            await activity.record(
                .machine, "Exception de risque supprimée", metadata: ["hostname": hostname], clientID: clientID, userID: identity.userID,
                ip: context.clientIP)
            return CountDone(count: 1)
        }
    }

    static func validated(_ body: OverrideRequest) throws -> RiskOverrideStore.Input {
        guard let type = body.riskType, type.count <= 50, type.wholeMatch(of: /[a-z][a-z0-9_]*/) != nil else {
            throw APIError.validation("risk_type is required: lowercase letters, digits and _, starting with a letter, at most 50 characters")
        }
        let key = (body.riskKey ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard key.unicodeScalars.count <= 255 else { throw APIError.validation("risk_key must be at most 255 characters") }
        let status = body.status ?? "accepted"
        guard statuses.contains(status) else { throw APIError.validation("status must be one of \(statuses.sorted().joined(separator: ", "))") }
        let reason = body.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (reason?.unicodeScalars.count ?? 0) <= 1000 else { throw APIError.validation("reason must be at most 1000 characters") }
        if let expires = body.expiresAt, expires <= Date() { throw APIError.validation("expires_at must be in the future") }
        return .init(riskType: type, riskKey: key, status: status, reason: reason?.isEmpty == true ? nil : reason, expiresAt: body.expiresAt)
    }

    private func target(_ context: APIRequestContext) async throws -> (UUID, UUID, String) {
        let clientID = try context.requireIdentity().requireClient()
        let name = try context.parameters.decoded("hostname")
        let (id, hostname) = try await machines.named(name, clientID: clientID)
        return (clientID, id, hostname)
    }
}

extension RiskOverrideStore.Override: ResponseEncodable {}
