import Foundation
import Hummingbird
import Logging
import OptralisCore

/// The agents' routes on the mTLS port: configuration, heartbeat, latest version, certificate
/// renewal, and the collect routes (``CollectController``).
struct AgentController {
    let statuses: CertificateStatusCache
    let licences: LicenceStatusCache
    let ca: CAClient
    let certificates: CertificateStore
    let heartbeats: HeartbeatService
    let settings: CollectionSettingsStore
    let databases: DatabaseTargets
    /// The APM applications this machine's agent probes.
    let apm: APMStore
    let catalog: AgentCatalog
    let collect: CollectController
    let logger: Logger

    struct CollectorConfig: ResponseEncodable {
        let collectors: [CollectionIntervals.Collector]
        /// Set once after an admin's force-collect: the agent runs every collector now.
        let forceCollect: Bool
        /// This gateway takes `POST /agent/collect/batch` (an agent sends singles without it).
        let collectBatch = true
        /// The databases this machine's agent collects from (`/api/databases`, Pro+), passwords included.
        let databases: [DatabaseTarget]
        /// The APM applications this machine probes (collector `apm`).
        let apmProbes: [APMProbeTarget]
        enum CodingKeys: String, CodingKey {
            case collectors, forceCollect = "force_collect", collectBatch = "collect_batch", databases, apmProbes = "apm_probes"
        }
    }
    /// `GET /agent/config`: everything the agent takes from the server, in one document.
    struct AgentConfig: ResponseEncodable {
        let machineID: UUID
        let clientID: UUID
        let collectors: [CollectionIntervals.Collector]
        let source: String
        let forceCollect: Bool
        let maintenanceMode: Bool
        let updateChannel: String
        let heartbeatInterval = 60
        let configSyncInterval = 300
        let collectBatch = true
        let apmProbes: [APMProbeTarget]
        let serverTime: Date
        let databases: [DatabaseTarget]
        enum CodingKeys: String, CodingKey {
            case machineID = "machine_id", clientID = "client_id", collectors, source, forceCollect = "force_collect", databases
            case maintenanceMode = "maintenance_mode", updateChannel = "update_channel", heartbeatInterval = "heartbeat_interval"
            case configSyncInterval = "config_sync_interval", collectBatch = "collect_batch", apmProbes = "apm_probes", serverTime = "server_time"
        }
    }
    struct Ping: ResponseEncodable {
        let status = "ok"
        let machineID: UUID
        let clientID: UUID
        enum CodingKeys: String, CodingKey { case status, machineID = "machine_id", clientID = "client_id" }
    }
    struct Renewed: ResponseEncodable {
        let certificate: String
        let privateKey: String
        let caCertificate: String
        let expiresAt: Date
        enum CodingKeys: String, CodingKey { case certificate, privateKey = "private_key", caCertificate = "ca_certificate", expiresAt = "expires_at" }
    }

    func addRoutes(to router: Router<AgentRequestContext>) {
        let agent = router.group("agent").add(middleware: AgentAuthMiddleware(statuses: statuses, identities: ConnectionIdentities(), logger: logger))
            .add(middleware: AgentLicenceMiddleware(licences: licences))
        agent.get("config/collectors") { _, context -> CollectorConfig in
            let (machine, sync, resolved) = try await synchronise(context)
            return CollectorConfig(
                collectors: resolved.collectors, forceCollect: sync.forceCollect, databases: try await databases.forAgent(machine),
                apmProbes: try await apm.probes(machineID: machine.machineID, clientID: machine.clientID))
        }
        agent.get("config") { _, context -> AgentConfig in
            let (machine, sync, resolved) = try await synchronise(context)
            return AgentConfig(
                machineID: machine.machineID, clientID: machine.clientID, collectors: resolved.collectors, source: resolved.source,
                forceCollect: sync.forceCollect, maintenanceMode: sync.maintenance, updateChannel: sync.channel,
                apmProbes: try await apm.probes(machineID: machine.machineID, clientID: machine.clientID), serverTime: Date(),
                databases: try await databases.forAgent(machine))
        }
        agent.get("ping") { _, context -> Ping in
            let machine = try context.requireAgent()
            return Ping(machineID: machine.machineID, clientID: machine.clientID)
        }
        agent.get("latest-version") { request, _ in try await catalog.latestVersion(request.uri.queryParameters) }
        agent.post("heartbeat") { request, context -> HeartbeatService.Reply in
            let machine = try context.requireAgent()
            let body = try await request.body.collect(upTo: 64 * 1024)
            let report = body.readableBytes == 0 ? HeartbeatService.Report() : try HeartbeatService.Report.decode(Data(buffer: body))
            return try await heartbeats.beat(machine, report)
        }
        collect.addRoutes(to: agent)
        // Within 30 days of expiry, or earlier when an admin asked for it (the heartbeat's
        // `renew_certificate`); the old certificate keeps a 24 h grace.
        agent.post("certificate/renew") { _, context -> Renewed in
            let machine = try context.requireAgent()
            if machine.expiresAt >= Date().addingTimeInterval(30 * 86_400),
                try await !certificates.renewalRequested(machineID: machine.machineID, clientID: machine.clientID)
            {
                throw AgentError.renewalTooEarly
            }
            let bundle = try await ca.issue(clientID: machine.clientID, machineID: machine.machineID, createdBy: nil, renewal: true)
            await statuses.invalidate(serials: [machine.serial])
            return Renewed(certificate: bundle.certificate, privateKey: bundle.privateKey, caCertificate: bundle.caCertificate, expiresAt: bundle.expiresAt)
        }
    }

    /// A configuration sync: recorded (force-collect handed over), intervals resolved.
    private func synchronise(
        _ context: AgentRequestContext
    ) async throws -> (AgentIdentity, (forceCollect: Bool, maintenance: Bool, channel: String), CollectionIntervals.Resolved) {
        let machine = try context.requireAgent()
        let sync = try await settings.recordSync(machineID: machine.machineID, clientID: machine.clientID)
        let resolved = CollectionIntervals.resolve(try await settings.applicable(machineID: machine.machineID, clientID: machine.clientID))
        return (machine, sync, resolved)
    }
}
