import Foundation
import OptralisCore
import PostgresNIO

/// S.M.A.R.T. alerts ("smart_warning"): each disk whose latest report (of the last day) is
/// warning or critical, or predicts its failure, is notified once to the client's channels that
/// take `smart_warning`; `smart_alerts` remembers it until the disk is seen healthy again.
/// Virtual disks and machines in maintenance are left out; so are offline machines until they
/// are back (their offline alert is the root cause; the failing disk is notified then).
extension MachineAlertJob {
    func detectSMART() async throws -> Int {
        typealias Row = (UUID, UUID, String, String, String?, String?, Int64?, Int64?, Int64?, Int?, String?, String, Date?, String?, String?, String, String)
        let rows = try await client.query(
            """
            WITH latest AS (
                SELECT DISTINCT ON (s.machine_id, s.device) s.machine_id, s.device, s.model, s.serial, s.smart_status, s.predicted_failure,
                       s.reallocated_sectors, s.current_pending_sectors, s.offline_uncorrectable, s.temperature, s.attributes,
                       COALESCE(NULLIF(s.serial, ''), s.device) AS disk
                FROM smart_data s
                WHERE s.recorded_at > now() - INTERVAL '1 day' AND NOT s.is_virtual
                ORDER BY s.machine_id, s.device, s.recorded_at DESC
            ), recovered AS (
                DELETE FROM smart_alerts a USING latest l
                WHERE a.machine_id = l.machine_id AND a.disk = l.disk AND l.smart_status = 'healthy' AND NOT l.predicted_failure
                RETURNING a.machine_id
            ), inserted AS (
                INSERT INTO smart_alerts (client_id, machine_id, disk, status)
                SELECT m.client_id, l.machine_id, l.disk,
                       CASE WHEN l.smart_status IN ('warning', 'critical') THEN l.smart_status ELSE 'predicted_failure' END
                FROM latest l JOIN machines m ON m.id = l.machine_id
                WHERE (l.smart_status IN ('warning', 'critical') OR l.predicted_failure)
                  AND NOT (m.maintenance_mode AND (m.maintenance_until IS NULL OR m.maintenance_until > now()))
                  AND m.last_seen >= now() - \(Int(offlineAfter.components.seconds)) * INTERVAL '1 second'
                ON CONFLICT (machine_id, disk) DO NOTHING
                RETURNING client_id, machine_id, disk, status
            )
            SELECT i.client_id, i.machine_id, i.status, l.device, l.model, l.serial, l.reallocated_sectors, l.current_pending_sectors,
                   l.offline_uncorrectable, l.temperature, l.attributes::text, m.hostname, m.last_seen, m.os, m.ip_address, c.name, c.language
            FROM inserted i JOIN latest l ON l.machine_id = i.machine_id AND l.disk = i.disk
            JOIN machines m ON m.id = i.machine_id JOIN clients c ON c.id = i.client_id
            """, logger: logger
        ).decode(Row.self).collect()
        for row in rows {
            let disk = SMARTDiskReport(
                device: row.3, model: row.4, serial: row.5, status: row.2, reallocated: row.6, pending: row.7, uncorrectable: row.8,
                temperature: row.9, attributes: row.10)
            let alert = AlertNotification(
                alertType: .smartWarning, clientName: row.15, language: row.16, machineName: row.11, lastSeen: row.12, os: row.13, ip: row.14,
                severity: row.2 == "warning" ? "warning" : "critical", message: disk.message(french: row.16 != "en"),
                dashboardURL: "\(publicURL)/machines/\(row.1.uuidString.lowercased())?tab=storage")
            for channel in try await channels(clientID: row.0, machineID: row.1, alertType: .smartWarning) {
                try await queues.enqueue(ChannelDelivery(channelID: channel, clientID: row.0, notification: alert, machineID: row.1))
            }
        }
        if !rows.isEmpty { logger.warning("failing disks notified", metadata: ["count": "\(rows.count)"]) }
        return rows.count
    }
}

/// One failing disk in words: which disk, its state, and what crossed — the reallocated, pending
/// and uncorrectable sector counts when not zero, and every attribute at or under its threshold.
struct SMARTDiskReport: Sendable {
    let device: String
    let model: String?
    let serial: String?
    /// `warning`, `critical` or `predicted_failure`.
    let status: String
    let reallocated: Int64?
    let pending: Int64?
    let uncorrectable: Int64?
    let temperature: Int?
    /// The raw S.M.A.R.T. table as the agent sent it (JSON), if any.
    let attributes: String?

    func message(french: Bool) -> String {
        let identity = [model, serial.map { (french ? "n° de série " : "serial ") + $0 }].compactMap { $0 }.joined(separator: ", ")
        let state =
            switch status {
            case "warning": french ? "S.M.A.R.T. en avertissement" : "S.M.A.R.T. warning"
            case "critical": french ? "S.M.A.R.T. critique" : "S.M.A.R.T. critical"
            default: french ? "le disque prédit sa panne" : "the drive predicts its failure"
            }
        var findings: [String] = []
        for (count, fr, en) in [
            (reallocated, "secteurs réalloués", "reallocated sectors"), (pending, "secteurs en attente", "pending sectors"),
            (uncorrectable, "secteurs irrécupérables", "uncorrectable sectors"),
        ] {
            if let count, count > 0 { findings.append("\(count) \(french ? fr : en)") }
        }
        for attribute in failingAttributes() {
            findings.append(
                french
                    ? "\(attribute.name) à \(attribute.value) (seuil \(attribute.threshold))"
                    : "\(attribute.name) at \(attribute.value) (threshold \(attribute.threshold))")
        }
        if let temperature { findings.append("\(temperature) °C") }
        let disk = identity.isEmpty ? device : "\(device) (\(identity))"
        return (french ? "Disque \(disk) : \(state)" : "Disk \(disk): \(state)") + (findings.isEmpty ? "" : " — " + findings.joined(separator: ", "))
    }

    /// Attributes whose normalised value is at or under a non-zero threshold: S.M.A.R.T.'s own
    /// "failing now". At most 10, as the agent sent them.
    func failingAttributes() -> [(name: String, value: Int, threshold: Int)] {
        guard let attributes, let data = attributes.data(using: .utf8),
            let table = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]]
        else { return [] }
        return table.prefix(64).compactMap { attribute -> (String, Int, Int)? in
            guard let value = attribute["value"] as? Int, let threshold = attribute["thresh"] as? Int, threshold > 0, value <= threshold else { return nil }
            return (String((attribute["name"] as? String ?? "attribute \(attribute["id"] as? Int ?? 0)").prefix(60)), value, threshold)
        }.prefix(10).map { $0 }
    }
}
