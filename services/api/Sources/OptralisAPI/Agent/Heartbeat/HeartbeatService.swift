import Foundation
import Hummingbird
import Logging
import OptralisCore
import OptralisRedis
import PostgresNIO

/// `POST /agent/heartbeat`: one statement marks the machine seen, records what the agent reports
/// (OS, versions, IP), the OS compliance and the certificate it presented; a machine that had
/// been reported offline is announced back online ("Anti-Spam Machine Offline"); the reply
/// carries the update to install, if any, and the next heartbeat interval ("Intervalle Dynamique").
/// An update the agent refused (its signature did not verify, say) is logged and recorded in the
/// activity log.
struct HeartbeatService: Sendable {
    let database: PostgresClient
    /// The heartbeat's own statement runs on a keyed pool (``APIDependencies/beatPostgres``):
    /// a generic plan made while `machines` was empty scanned it whole.
    let beats: PostgresClient
    let catalog: AgentCatalog
    let requirements: RequirementsCache
    let reconnectWindow: ReconnectWindow
    let queues: NotificationQueues?
    let activity: ActivityLogger
    let publicURL: String
    let logger: Logger

    /// Every field is optional: an empty body only marks the machine seen.
    struct Report: Decodable, Sendable {
        var os: String?
        var osVersion: String?
        var agentVersion: String?
        var ipAddress: String?
        var cpuPercent: Double?
        var ramPercent: Double?
        var updateRefused: UpdateRefusal?

        /// The last offered update the agent did not install, and why.
        struct UpdateRefusal: Decodable, Sendable {
            var version: String?
            var reason: String?
        }

        enum CodingKeys: String, CodingKey {
            case os, osVersion = "os_version", agentVersion = "agent_version", ipAddress = "ip_address", cpuPercent = "cpu_percent",
                ramPercent = "ram_percent", updateRefused = "update_refused"
        }

        static func decode(_ body: Data) throws -> Report {
            try AgentPayloadError.decode(Report.self, from: body, with: JSONDecoder())
        }
    }

    struct Reply: ResponseEncodable {
        let status = "ok"
        let serverTime: Date
        let nextHeartbeatSeconds: Int
        let isOSCompliant: Bool
        let updateAvailable: Bool
        let update: Update?
        /// An admin asked for a new certificate: the agent calls `/agent/certificate/renew`.
        let renewCertificate: Bool
        /// How long at most the agent waits between tries while the gateway is unreachable.
        let reconnectWindowSeconds: Int

        enum CodingKeys: String, CodingKey {
            case status, serverTime = "server_time", nextHeartbeatSeconds = "next_heartbeat_seconds", isOSCompliant = "is_os_compliant",
                updateAvailable = "update_available", update, renewCertificate = "renew_certificate",
                reconnectWindowSeconds = "reconnect_window_seconds"
        }
    }

    /// The spec's UpdateInfo.
    struct Update: Encodable {
        let version: String
        let channel: String
        let downloadURL: String
        let checksumSHA256: String
        let fileSizeBytes: Int64
        let changelog: String

        enum CodingKeys: String, CodingKey {
            case version, channel, downloadURL = "download_url", checksumSHA256 = "checksum_sha256", fileSizeBytes = "file_size_bytes",
                changelog
        }
    }

    static let normalSeconds = 60
    static let underLoadSeconds = 30

    /// 30 s while CPU > 80 % or RAM > 85 %, 60 s otherwise.
    static func nextInterval(cpuPercent: Double?, ramPercent: Double?) -> Int {
        (cpuPercent ?? 0) > 80 || (ramPercent ?? 0) > 85 ? underLoadSeconds : normalSeconds
    }

    func beat(_ machine: AgentIdentity, _ report: Report) async throws -> Reply {
        let compliant: Bool? =
            if report.os != nil || report.osVersion != nil {
                OSCompliance.isCompliant(os: report.os, osVersion: report.osVersion, requirements: try await requirements.current())
            } else { nil }
        let statement = BeatStatement(
            machineID: machine.machineID, clientID: machine.clientID, serial: machine.serial, os: clip(report.os, 100),
            osVersion: clip(report.osVersion, 255), agentVersion: clip(report.agentVersion, 50), ipAddress: clip(report.ipAddress, 45),
            compliant: compliant)
        let rows = try await beats.withConnection { connection in
            try await connection.execute(statement, logger: logger).collect()
        }
        guard let (hostname, clientName, language, wasOffline, isCompliant, os, agentVersion, channel, architecture, renew) = rows.first else {
            throw APIError.machineGone
        }
        if wasOffline { try await announceBackOnline(machine, hostname: hostname, clientName: clientName, language: language) }
        if let refusal = report.updateRefused { await recordRefusal(refusal, machine, hostname: hostname) }
        let update = try await availableUpdate(os: os, installed: agentVersion, channel: channel, architecture: architecture ?? "amd64")
        return Reply(
            serverTime: Date(), nextHeartbeatSeconds: Self.nextInterval(cpuPercent: report.cpuPercent, ramPercent: report.ramPercent),
            isOSCompliant: isCompliant, updateAvailable: update != nil, update: update, renewCertificate: renew,
            reconnectWindowSeconds: await reconnectWindow.seconds())
    }

    /// The heartbeat's one statement, prepared once per connection: planning it took about as long
    /// as running it (0.1 ms each, `EXPLAIN ANALYZE` on a warm connection), once a minute per agent.
    /// `FOR NO KEY UPDATE`: the machine's heartbeats one at a time, without waiting on (or holding
    /// up) the foreign-key checks of rows other requests insert for the machine.
    private struct BeatStatement: PostgresPreparedStatement {
        static let sql = """
            WITH previous AS (
                SELECT offline_notified_at IS NOT NULL AS was_offline FROM machines WHERE id = $1 AND client_id = $2 FOR NO KEY UPDATE
            ), presented AS (
                SELECT serial, issued_at, expires_at, revoked_at FROM client_certificates WHERE serial = $3
            )
            UPDATE machines m SET last_seen = now(), offline_notified_at = NULL, updated_at = now(),
                os = COALESCE($4, m.os), os_version = COALESCE($5, m.os_version), agent_version = COALESCE($6, m.agent_version),
                ip_address = COALESCE($7, m.ip_address), is_os_compliant = COALESCE($8, m.is_os_compliant),
                cert_serial = COALESCE((SELECT serial FROM presented), m.cert_serial),
                cert_issued_at = COALESCE((SELECT issued_at FROM presented), m.cert_issued_at),
                cert_expires_at = COALESCE((SELECT expires_at FROM presented), m.cert_expires_at),
                cert_revoked_at = CASE WHEN EXISTS (SELECT 1 FROM presented) THEN (SELECT revoked_at FROM presented) ELSE m.cert_revoked_at END
            FROM clients c, previous p
            WHERE m.id = $1 AND m.client_id = $2 AND c.id = m.client_id
            RETURNING m.hostname, c.name, c.language, p.was_offline, m.is_os_compliant, m.os, m.agent_version, m.update_channel, m.architecture,
                m.cert_renewal_requested_at IS NOT NULL
            """
        typealias Row = (String, String, String, Bool, Bool, String?, String?, String, String?, Bool)

        let machineID: UUID
        let clientID: UUID
        let serial: String
        let os, osVersion, agentVersion, ipAddress: String?
        let compliant: Bool?

        func makeBindings() -> PostgresBindings {
            var binds = PostgresBindings(capacity: 8)
            binds.append(machineID)
            binds.append(clientID)
            binds.append(serial)
            binds.append(os)
            binds.append(osVersion)
            binds.append(agentVersion)
            binds.append(ipAddress)
            binds.append(compliant)
            return binds
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// The newest active version of the machine's channel, platform and architecture, when it is
    /// newer than the installed one.
    private func availableUpdate(os: String?, installed: String?, channel: String, architecture: String) async throws -> Update? {
        guard let installed, let os else { return nil }
        let platform = os.lowercased().contains("windows") ? "windows" : "linux"
        guard let latest = try await catalog.latest(channel: channel, platform: platform, architecture: architecture),
            AgentVersion.isNewer(latest.version, than: installed)
        else { return nil }
        return Update(
            version: latest.version, channel: channel, downloadURL: latest.downloadURL, checksumSHA256: latest.checksumSHA256,
            fileSizeBytes: latest.fileSizeBytes, changelog: latest.changelog)
    }

    private func recordRefusal(_ refusal: Report.UpdateRefusal, _ machine: AgentIdentity, hostname: String) async {
        let metadata = [
            "machine_id": machine.machineID.uuidString.lowercased(), "hostname": hostname, "version": clip(refusal.version, 50) ?? "",
            "reason": clip(refusal.reason, 500) ?? "",
        ]
        logger.warning("agent refused an update", metadata: metadata.mapValues { .string($0) })
        await activity.record(.machine, "Mise à jour agent refusée", level: .warn, metadata: metadata, clientID: machine.clientID)
    }

    private func announceBackOnline(_ machine: AgentIdentity, hostname: String, clientName: String, language: String) async throws {
        guard let queues else { return }
        let channels = try await database.query(
            """
            SELECT id FROM notification_channels
            WHERE client_id = \(machine.clientID) AND enabled AND (cardinality(alert_types) = 0 OR 'machine_online' = ANY(alert_types))
              AND (site_id IS NULL OR site_id = (SELECT m.site_id FROM machines m WHERE m.id = \(machine.machineID) AND m.client_id = \(machine.clientID)))
            """, logger: logger
        ).decode(UUID.self).collect()
        let alert = AlertNotification(
            alertType: .machineOnline, clientName: clientName, language: language, machineName: hostname, lastSeen: Date(), severity: "info",
            dashboardURL: "\(publicURL)/machines/\(machine.machineID.uuidString.lowercased())")
        for channel in channels {
            try await queues.enqueue(ChannelDelivery(channelID: channel, clientID: machine.clientID, notification: alert, machineID: machine.machineID))
        }
    }
}
