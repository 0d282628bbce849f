import Foundation
import Logging
import PostgresNIO

/// Gathers a machine's ``HealthInputs`` from what the agents sent. Every query is scoped by
/// the client: another client's machine reads as unknown.
struct HealthInputsStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Series are 5-minute means: the score judges sustained load, not one 10-second peak.
    static let bucket = "5 minutes"
    /// A gap longer than this between metric samples counts as an outage: twice the longest
    /// metrics interval an agent can be given (300 s), so a slow but healthy agent's jitter is
    /// never an outage.
    static let outageGap = "10 minutes"

    /// The inputs over the 48 hours before `now` (24 for the score, 24 before for its trend);
    /// nil when the machine is not one of the client's.
    func inputs(clientID: UUID, machineID: UUID, now: Date) async throws -> HealthInputs? {
        guard let facts = try await facts(clientID: clientID, machineID: machineID, now: now) else { return nil }
        var inputs = facts
        let from = now.addingTimeInterval(-2 * HealthScore.window)
        let rows = try await client.query(
            """
            SELECT max(recorded_at), avg(cpu_percent), avg(ram_percent), avg(disk_latency_ms)
            FROM metrics
            WHERE machine_id = \(machineID) AND recorded_at > \(from) AND recorded_at <= \(now)
            GROUP BY date_bin(\(Self.bucket)::interval, recorded_at, TIMESTAMPTZ '2000-01-01 00:00:00+00')
            ORDER BY 1
            """, logger: logger)
        for try await (time, cpu, ram, latency) in rows.decode((Date, Double?, Double?, Double?).self) {
            if let cpu { inputs.cpuPercent.append(Sample(time: time, value: cpu)) }
            if let ram { inputs.ramPercent.append(Sample(time: time, value: ram)) }
            if let latency { inputs.diskLatencyMs.append(Sample(time: time, value: latency)) }
        }
        return inputs
    }

    /// Everything but the series: volumes, SMART, security, patches and the last day's stability.
    private func facts(clientID: UUID, machineID: UUID, now: Date) async throws -> HealthInputs? {
        let dayAgo = now.addingTimeInterval(-HealthScore.window)
        let weekAgo = now.addingTimeInterval(-7 * HealthScore.window)
        let rows = try await client.query(
            """
            SELECT
              ARRAY(SELECT DISTINCT ON (mount_point) used_percent::float8 FROM disk_info
                    WHERE machine_id = m.id AND recorded_at > \(dayAgo) AND recorded_at <= \(now) AND used_percent IS NOT NULL
                    ORDER BY mount_point, recorded_at DESC),
              ARRAY(SELECT DISTINCT ON (device) smart_status FROM smart_data
                    WHERE machine_id = m.id AND recorded_at > \(weekAgo) AND recorded_at <= \(now)
                    ORDER BY device, recorded_at DESC),
              sec.data IS NOT NULL,
              (sec.data->>'firewall_enabled')::boolean,
              (sec.data->'antivirus'->>'enabled')::boolean,
              (sec.data->'antivirus'->>'updated')::boolean,
              (SELECT count(*) FROM jsonb_array_elements(CASE WHEN jsonb_typeof(pat.data->'pending_updates') = 'array'
                                                             THEN pat.data->'pending_updates' ELSE '[]'::jsonb END) p
               WHERE (p->>'is_important')::boolean OR p->>'category' IN ('Security', 'Critical'))::int,
              COALESCE((pat.data->>'reboot_required')::boolean, false),
              (SELECT count(*) FROM event_logs WHERE machine_id = m.id AND level = 'critical'
                 AND recorded_at > \(dayAgo) AND recorded_at <= \(now))::int,
              (SELECT count(*) FROM event_logs WHERE machine_id = m.id AND level = 'error'
                 AND recorded_at > \(dayAgo) AND recorded_at <= \(now))::int,
              (SELECT count(*) FROM (
                   SELECT recorded_at - lag(recorded_at) OVER w AS gap, uptime_seconds < lag(uptime_seconds) OVER w AS rebooted
                   FROM metrics WHERE machine_id = m.id AND cpu_percent IS NOT NULL AND recorded_at > \(dayAgo) AND recorded_at <= \(now)
                   WINDOW w AS (ORDER BY recorded_at)) s
               WHERE s.rebooted OR s.gap > \(Self.outageGap)::interval)::int
            FROM machines m
            LEFT JOIN machine_collector_data sec ON sec.machine_id = m.id AND sec.collector = 'security'
            LEFT JOIN machine_collector_data pat ON pat.machine_id = m.id AND pat.collector = 'patches'
            WHERE m.id = \(machineID) AND m.client_id = \(clientID)
            """, logger: logger)
        for try await row in rows.decode(([Double], [String], Bool, Bool?, Bool?, Bool?, Int, Bool, Int, Int, Int).self) {
            let (volumes, smart, hasSecurity, firewall, antivirus, antivirusUpdated, securityUpdates, reboot, critical, errors, outages) = row
            var inputs = HealthInputs(volumeUsedPercents: volumes, smartStatuses: smart)
            if hasSecurity || securityUpdates > 0 || reboot {
                inputs.security = SecurityFacts(
                    firewallEnabled: firewall, antivirusEnabled: antivirus, antivirusUpToDate: antivirusUpdated,
                    pendingSecurityUpdates: securityUpdates, rebootRequired: reboot)
            }
            inputs.stability = StabilityFacts(criticalEvents: critical, errorEvents: errors, outages: outages)
            return inputs
        }
        return nil
    }
}
