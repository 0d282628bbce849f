import Foundation
import Hummingbird
import Logging
import OptralisCore
import OptralisRedis
import PostgresNIO

/// The agents' routes on the mTLS port: configuration, heartbeat, latest version, certificate renewal.
struct AgentController {
    let client: PostgresClient
    let statuses: CertificateStatusCache
    let ca: CAClient
    let queues: NotificationQueues?
    let publicURL: String
    let catalog: AgentCatalogController
    let logger: Logger

    struct Collector: Codable { let type: String; let enabled: Bool; let interval: Int }
    struct CollectorConfig: ResponseEncodable { let collectors: [Collector] }
    struct Heartbeat: ResponseEncodable {
        let status: String
        let serverTime: Date
        enum CodingKeys: String, CodingKey { case status, serverTime = "server_time" }
    }
    struct Renewed: ResponseEncodable {
        let certificate: String
        let privateKey: String
        let caCertificate: String
        let expiresAt: Date
        enum CodingKeys: String, CodingKey { case certificate, privateKey = "private_key", caCertificate = "ca_certificate", expiresAt = "expires_at" }
    }

    /// The spec's default intervals (seconds), before collection settings override them.
    static let defaults: [(String, Int)] = [
        ("metrics", 10), ("storage", 300), ("storage_health", 7200), ("network", 30), ("services", 120), ("security", 900),
        ("software", 14400), ("patches", 21600),
    ]

    func addRoutes(to router: Router<AgentRequestContext>) {
        let agent = router.group("agent").add(middleware: AgentAuthMiddleware(statuses: statuses, logger: logger))
        agent.get("config/collectors") { _, context -> CollectorConfig in
            let machine = try context.requireAgent()
            try await client.query("UPDATE machines SET last_config_sync = now() WHERE id = \(machine.machineID) AND client_id = \(machine.clientID)", logger: logger)
            return CollectorConfig(collectors: Self.defaults.map { Collector(type: $0.0, enabled: true, interval: $0.1) })
        }
        agent.get("latest-version") { request, _ in try await catalog.latestVersion(request.uri.queryParameters) }
        agent.post("heartbeat") { _, context -> Heartbeat in
            try await heartbeat(try context.requireAgent())
            return Heartbeat(status: "ok", serverTime: Date())
        }
        agent.post("certificate/renew") { _, context -> Renewed in
            let machine = try context.requireAgent()
            guard machine.expiresAt < Date().addingTimeInterval(30 * 86_400) else { throw AgentError.renewalTooEarly }
            let bundle = try await ca.issue(clientID: machine.clientID, machineID: machine.machineID, createdBy: nil)
            await statuses.invalidate(serials: [machine.serial])
            return Renewed(certificate: bundle.certificate, privateKey: bundle.privateKey, caCertificate: bundle.caCertificate, expiresAt: bundle.expiresAt)
        }
    }

    /// Marks the machine seen; a machine that had been reported offline is announced back online
    /// ("Anti-Spam Machine Offline").
    private func heartbeat(_ machine: AgentIdentity) async throws {
        typealias Row = (String, String, String, Bool)
        let rows = try await client.query(
            """
            WITH previous AS (SELECT offline_notified_at IS NOT NULL AS was_offline FROM machines WHERE id = \(machine.machineID) AND client_id = \(machine.clientID))
            UPDATE machines m SET last_seen = now(), offline_notified_at = NULL
            FROM clients c, previous p
            WHERE m.id = \(machine.machineID) AND m.client_id = \(machine.clientID) AND c.id = m.client_id
            RETURNING m.hostname, c.name, c.language, p.was_offline
            """, logger: logger
        ).decode(Row.self).reduce(into: [Row]()) { $0.append($1) }
        guard let (hostname, clientName, language, wasOffline) = rows.first, wasOffline, let queues else { return }
        let channels = try await client.query(
            """
            SELECT id FROM notification_channels
            WHERE client_id = \(machine.clientID) AND enabled AND (cardinality(alert_types) = 0 OR 'machine_online' = ANY(alert_types))
            """, logger: logger
        ).decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }
        let alert = AlertNotification(
            alertType: .machineOnline, clientName: clientName, language: language, machineName: hostname, lastSeen: Date(), severity: "info",
            dashboardURL: "\(publicURL)/machines/\(machine.machineID.uuidString.lowercased())")
        for channel in channels {
            try await queues.enqueue(ChannelDelivery(channelID: channel, clientID: machine.clientID, notification: alert, machineID: machine.machineID))
        }
    }
}
