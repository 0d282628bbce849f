import Foundation
import Hummingbird
import Logging
import OptralisCore
import OptralisRedis
import PostgresNIO

/// `POST /agent/heartbeat`: the group commit of heartbeats (``BeatCommitter``) marks the machine
/// seen, records what the agent reports (OS, versions, IP), the OS compliance and the
/// certificate it presented; a machine that had
/// been reported offline is announced back online ("Anti-Spam Machine Offline"); the reply
/// carries the update to install, if any, and the next heartbeat interval ("Intervalle Dynamique").
/// An update the agent refused (its signature did not verify, say) is logged and recorded in the
/// activity log.
struct HeartbeatService: Sendable {
    let database: PostgresClient
    let beats: BeatCommitter
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
        let beat = BeatStatement.Beat(
            machineID: machine.machineID, clientID: machine.clientID, serial: machine.serial, os: clip(report.os, 100),
            osVersion: clip(report.osVersion, 255), agentVersion: clip(report.agentVersion, 50), ipAddress: clip(report.ipAddress, 45),
            compliant: compliant)
        guard let row = try await beats.submit(beat) else { throw APIError.machineGone }
        if row.wasOffline { try await announceBackOnline(machine, hostname: row.hostname, clientName: row.clientName, language: row.language) }
        if let refusal = report.updateRefused { await recordRefusal(refusal, machine, hostname: row.hostname) }
        let update = try await availableUpdate(os: row.os, installed: row.agentVersion, channel: row.channel, architecture: row.architecture ?? "amd64")
        return Reply(
            serverTime: Date(), nextHeartbeatSeconds: Self.nextInterval(cpuPercent: report.cpuPercent, ramPercent: report.ramPercent),
            isOSCompliant: row.isCompliant, updateAvailable: update != nil, update: update, renewCertificate: row.renewCertificate,
            reconnectWindowSeconds: await reconnectWindow.seconds())
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
