import Foundation
import Hummingbird
import Logging
import Metrics
import OptralisCore

/// The agents' routes on the mTLS port: configuration, heartbeat, collected data, latest
/// version, certificate renewal.
struct AgentController {
    let statuses: CertificateStatusCache
    let licences: LicenceStatusCache
    let ca: CAClient
    let certificates: CertificateRepository
    let heartbeats: HeartbeatService
    let settings: CollectionSettingsRepository
    let catalog: AgentCatalogController
    let committer: CollectCommitter
    /// The APM applications this machine's agent probes.
    let apm: APMStore
    let logger: Logger

    struct CollectorConfig: ResponseEncodable {
        let collectors: [CollectionIntervals.Collector]
        /// Set once after an admin's force-collect: the agent runs every collector now.
        let forceCollect: Bool
        /// This gateway takes `POST /agent/collect/batch` (an agent sends singles without it).
        let collectBatch = true
        /// The APM applications this machine probes (collector `apm`).
        let apmProbes: [APMProbeTarget]
        enum CodingKeys: String, CodingKey { case collectors, forceCollect = "force_collect", collectBatch = "collect_batch", apmProbes = "apm_probes" }
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
        enum CodingKeys: String, CodingKey {
            case machineID = "machine_id", clientID = "client_id", collectors, source, forceCollect = "force_collect"
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
    struct Collected: ResponseEncodable {
        /// `stored`, or `duplicate` for a retry of a post already stored (nothing written).
        let status: String
        let collector: String
        let sequence: Int64
    }
    /// `POST /agent/collect/batch`: each post's outcome, in the order sent.
    struct BatchCollected: ResponseEncodable {
        let results: [Outcome]

        struct Outcome: Encodable {
            let collector: String?
            let sequence: Int64?
            /// `stored`, `duplicate`, or `rejected` (with the 400's `error` and `code`: not stored, not to be sent again).
            let status: String
            let error: String?
            let code: String?
        }
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
                collectors: resolved.collectors, forceCollect: sync.forceCollect,
                apmProbes: try await apm.probes(machineID: machine.machineID, clientID: machine.clientID))
        }
        agent.get("config") { _, context -> AgentConfig in
            let (machine, sync, resolved) = try await synchronise(context)
            return AgentConfig(
                machineID: machine.machineID, clientID: machine.clientID, collectors: resolved.collectors, source: resolved.source,
                forceCollect: sync.forceCollect, maintenanceMode: sync.maintenance, updateChannel: sync.channel,
                apmProbes: try await apm.probes(machineID: machine.machineID, clientID: machine.clientID), serverTime: Date())
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
        agent.post("collect") { request, context -> Collected in
            let machine = try context.requireAgent()
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let payload = try CollectPayload.decode(Data(buffer: body))
            let stored = try await committer.submit(CollectItem(machineID: machine.machineID, payload: payload))
            Self.count(payload.kind, stored: stored)
            return Collected(status: stored ? "stored" : "duplicate", collector: payload.kind.rawValue, sequence: payload.sequence)
        }
        agent.post("collect/batch") { request, context -> BatchCollected in
            let machine = try context.requireAgent()
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let batch = try CollectBatch.decode(Data(buffer: body))
            let accepted = batch.posts.compactMap { try? $0.outcome.get() }
            var stored = accepted.isEmpty ? [] : try await committer.submit(accepted.map { CollectItem(machineID: machine.machineID, payload: $0) })[...]
            return BatchCollected(results: batch.posts.map { post in
                switch post.outcome {
                case .success(let payload):
                    let isStored = stored.popFirst() ?? false
                    Self.count(payload.kind, stored: isStored)
                    return .init(collector: payload.kind.rawValue, sequence: payload.sequence, status: isStored ? "stored" : "duplicate", error: nil, code: nil)
                case .failure(let error):
                    Counter(label: "api_agent_collect_total", dimensions: [("collector", post.collector.flatMap(CollectKind.init)?.rawValue ?? "unknown"), ("outcome", "rejected")])
                        .increment()
                    return .init(collector: post.collector, sequence: post.sequence, status: "rejected", error: error.message, code: error.code)
                }
            })
        }
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

    /// `api_agent_collect_total` by collector and outcome; the counters are made once.
    private static let counters: [CollectKind: (stored: Counter, duplicate: Counter)] = Dictionary(
        uniqueKeysWithValues: CollectKind.allCases.map { kind in
            let counter = { (outcome: String) in
                Counter(label: "api_agent_collect_total", dimensions: [("collector", kind.rawValue), ("outcome", outcome)])
            }
            return (kind, (counter("stored"), counter("duplicate")))
        })

    private static func count(_ kind: CollectKind, stored: Bool) {
        guard let counter = counters[kind] else { return }
        (stored ? counter.stored : counter.duplicate).increment()
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
