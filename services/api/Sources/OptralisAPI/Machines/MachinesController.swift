import Foundation
import Hummingbird
import OptralisCore
import OptralisServer

/// Machine administration of the fleet API: effective intervals, maintenance mode, update
/// channel, force-collect and deletion. Writes are refused to observers by the tenant gate;
/// each one invalidates the client's cached machine list and count. Deleting a machine first
/// revokes its certificates (`cessation_of_operation`) and forgets their cached status, so its
/// agent is refused at once and the CRL lists them; with the ca unreachable nothing is deleted.
struct MachinesController {
    let machines: MachineStore
    let settings: CollectionSettingsStore
    let activity: ActivityLogger
    let cache: FleetCache
    let revoker: CertificateRevoker

    struct EffectiveIntervals: ResponseEncodable {
        let machineID: UUID
        let intervals: [String: Int]
        let enabled: [String: Bool]
        let source: String
        let settingID: UUID?
        let settingName: String?
        enum CodingKeys: String, CodingKey {
            case machineID = "machine_id", intervals, enabled, source, settingID = "setting_id", settingName = "setting_name"
        }
    }

    struct MaintenanceRequest: Decodable {
        let enabled: Bool
        let until: Date?
    }

    struct ChannelRequest: Decodable {
        let channel: String
    }

    struct Done: ResponseEncodable {
        let success = true
        let message: String
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get(":id/effective-intervals") { _, context -> EffectiveIntervals in
            let (clientID, machine, _) = try await target(context)
            let resolved = CollectionIntervals.resolve(try await settings.applicable(machineID: machine, clientID: clientID))
            return EffectiveIntervals(
                machineID: machine, intervals: Dictionary(uniqueKeysWithValues: resolved.collectors.map { ($0.type, $0.interval) }),
                enabled: Dictionary(uniqueKeysWithValues: resolved.collectors.map { ($0.type, $0.enabled) }), source: resolved.source,
                settingID: resolved.setting?.id, settingName: resolved.setting?.name)
        }
        group.put(":id/maintenance") { request, context -> Done in
            let (clientID, machine, hostname) = try await target(context)
            let body = try await request.decode(as: MaintenanceRequest.self, context: context)
            if let until = body.until, until <= Date() { throw APIError.validation("until must be in the future") }
            _ = try await machines.setMaintenance(id: machine, clientID: clientID, enabled: body.enabled, until: body.enabled ? body.until : nil)
            try await record(context, body.enabled ? "Mode maintenance activé" : "Mode maintenance désactivé", hostname: hostname)
            return Done(message: body.enabled ? "Maintenance mode enabled" : "Maintenance mode disabled")
        }
        group.put(":id/channel") { request, context -> Done in
            let (clientID, machine, hostname) = try await target(context)
            let body = try await request.decode(as: ChannelRequest.self, context: context)
            guard ["stable", "beta"].contains(body.channel) else { throw APIError.validation("channel must be stable or beta") }
            _ = try await machines.setChannel(id: machine, clientID: clientID, channel: body.channel)
            try await record(context, "Canal de mise à jour modifié", hostname: hostname, extra: ["channel": body.channel])
            return Done(message: "Update channel set to \(body.channel)")
        }
        group.post("by-hostname/:hostname/force-collect") { _, context -> Done in
            let (clientID, machine, _) = try await target(context, byHostname: true)
            try await machines.requestCollection(id: machine, clientID: clientID)
            return Done(message: "Collection requested: the agent runs every collector at its next configuration sync (within 5 minutes)")
        }
        group.delete("by-hostname/:hostname") { _, context -> Done in
            let (clientID, machine, hostname) = try await target(context, byHostname: true)
            let revoked = try await revoker.revokeAll(machineID: machine, clientID: clientID, reason: .cessationOfOperation)
            try await machines.delete(id: machine, clientID: clientID)
            try await record(context, "Machine supprimée", hostname: hostname, extra: ["revoked_certificates": revoked.joined(separator: ",")], level: .warn)
            return Done(message: "Machine deleted")
        }
    }

    /// (client, machine id, host name) of the path's machine, within the caller's client; a
    /// malformed id is a 400, another client's machine a 404.
    private func target(_ context: APIRequestContext, byHostname: Bool = false) async throws -> (UUID, UUID, String) {
        let clientID = try context.requireIdentity().requireClient()
        if byHostname {
            let name = try context.parameters.decoded("hostname")
            let (id, hostname) = try await machines.named(name, clientID: clientID)
            return (clientID, id, hostname)
        }
        let id = try Validation.pathID(context)
        guard let hostname = try await machines.hostname(id: id, clientID: clientID) else { throw APIError.notFound("machine") }
        return (clientID, id, hostname)
    }

    private func record(
        _ context: APIRequestContext, _ message: String, hostname: String, extra: [String: String] = [:], level: ActivityLogger.Level = .info
    ) async throws {
        let identity = try context.requireIdentity()
        let clientID = try identity.requireClient()
        await cache.invalidateMachines(clientID: clientID)
        await activity.record(
            .machine, message, level: level, metadata: extra.merging(["hostname": hostname]) { $1 }, clientID: clientID,
            userID: identity.userID, ip: context.clientIP)
    }
}
