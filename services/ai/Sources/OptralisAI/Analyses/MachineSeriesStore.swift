import Foundation
import Logging
import PostgresNIO

/// The series the trend, degradation, intermittence, correlation and capacity analyses read.
/// Long windows come from the hourly roll-ups (a month of 10-second samples never leaves the
/// database); short ones from `metrics`, cut into one-minute buckets keeping each bucket's
/// maximum, so a spike survives. Every query is scoped by the client.
struct MachineSeriesStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Hourly means and maxima (`metrics_hourly`), one sample per hour at its bucket's start.
    struct Hourly: Sendable {
        var cpuAverage: [Sample] = []
        var cpuMaximum: [Sample] = []
        var ramAverage: [Sample] = []
        var ramMaximum: [Sample] = []
    }

    /// One-minute maxima of the raw samples.
    struct Recent: Sendable {
        var cpu: [Sample] = []
        var ram: [Sample] = []
        var diskLatencyMs: [Sample] = []
        var ioWaitPercent: [Sample] = []
    }

    /// One volume: its hourly mean fill (`disk_hourly`) and its latest size (`disk_info`).
    struct Volume: Sendable {
        var mountPoint: String
        var totalGB: Double?
        var usedPercent: [Sample]
    }

    func hourly(clientID: UUID, machineID: UUID, from start: Date, to end: Date) async throws -> Hourly {
        let rows = try await client.query(
            """
            SELECT h.bucket, h.cpu_avg, h.cpu_max, h.ram_avg, h.ram_max
            FROM metrics_hourly h
            JOIN machines m ON m.id = h.machine_id AND m.client_id = \(clientID)
            WHERE h.machine_id = \(machineID) AND h.bucket >= \(start) AND h.bucket <= \(end)
            ORDER BY h.bucket
            """, logger: logger)
        var series = Hourly()
        for try await (bucket, cpuAverage, cpuMaximum, ramAverage, ramMaximum) in rows.decode((Date, Double?, Double?, Double?, Double?).self) {
            if let cpuAverage { series.cpuAverage.append(Sample(time: bucket, value: cpuAverage)) }
            if let cpuMaximum { series.cpuMaximum.append(Sample(time: bucket, value: cpuMaximum)) }
            if let ramAverage { series.ramAverage.append(Sample(time: bucket, value: ramAverage)) }
            if let ramMaximum { series.ramMaximum.append(Sample(time: bucket, value: ramMaximum)) }
        }
        return series
    }

    func recent(clientID: UUID, machineID: UUID, from start: Date, to end: Date) async throws -> Recent {
        let rows = try await client.query(
            """
            SELECT min(s.recorded_at), max(s.cpu_percent), max(s.ram_percent), max(s.disk_latency_ms), max(s.io_wait_percent)
            FROM metrics s
            JOIN machines m ON m.id = s.machine_id AND m.client_id = \(clientID)
            WHERE s.machine_id = \(machineID) AND s.recorded_at > \(start) AND s.recorded_at <= \(end)
            GROUP BY date_bin('1 minute'::interval, s.recorded_at, TIMESTAMPTZ '2000-01-01 00:00:00+00')
            ORDER BY 1
            """, logger: logger)
        var series = Recent()
        for try await (time, cpu, ram, latency, ioWait) in rows.decode((Date, Double?, Double?, Double?, Double?).self) {
            if let cpu { series.cpu.append(Sample(time: time, value: cpu)) }
            if let ram { series.ram.append(Sample(time: time, value: ram)) }
            if let latency { series.diskLatencyMs.append(Sample(time: time, value: latency)) }
            if let ioWait { series.ioWaitPercent.append(Sample(time: time, value: ioWait)) }
        }
        return series
    }

    /// The volumes the machine reported in the last day, by mount point.
    func volumes(clientID: UUID, machineID: UUID, from start: Date, to end: Date) async throws -> [Volume] {
        let rows = try await client.query(
            """
            WITH latest AS (
                SELECT DISTINCT ON (d.mount_point) d.mount_point, d.total_gb::float8 AS total_gb
                FROM disk_info d
                JOIN machines m ON m.id = d.machine_id AND m.client_id = \(clientID)
                WHERE d.machine_id = \(machineID) AND d.recorded_at > \(end.addingTimeInterval(-.day)) AND d.recorded_at <= \(end)
                ORDER BY d.mount_point, d.recorded_at DESC
            )
            SELECT l.mount_point, l.total_gb,
                   COALESCE(array_agg(h.bucket ORDER BY h.bucket) FILTER (WHERE h.disk_usage_avg IS NOT NULL), '{}'),
                   COALESCE(array_agg(h.disk_usage_avg ORDER BY h.bucket) FILTER (WHERE h.disk_usage_avg IS NOT NULL), '{}')
            FROM latest l
            LEFT JOIN disk_hourly h ON h.machine_id = \(machineID) AND h.mount_point = l.mount_point
                                   AND h.bucket >= \(start) AND h.bucket <= \(end)
            GROUP BY l.mount_point, l.total_gb
            ORDER BY l.mount_point
            """, logger: logger)
        var volumes: [Volume] = []
        for try await (mount, total, times, values) in rows.decode((String, Double?, [Date], [Double]).self) {
            volumes.append(Volume(mountPoint: mount, totalGB: total, usedPercent: zip(times, values).map { Sample(time: $0, value: $1) }))
        }
        return volumes
    }

    /// Events of the given levels between `start` and `end`, oldest first (at most `limit`, the newest kept).
    func events(clientID: UUID, machineID: UUID, levels: [String], from start: Date, to end: Date, limit: Int = 5000) async throws -> [SystemEvent] {
        let rows = try await client.query(
            """
            SELECT * FROM (
                SELECT e.recorded_at, COALESCE(e.source, e.log_name, ''), e.event_id, e.level, left(e.message, 500)
                FROM event_logs e
                JOIN machines m ON m.id = e.machine_id AND m.client_id = \(clientID)
                WHERE e.machine_id = \(machineID) AND e.level = ANY(\(levels)::text[]) AND e.recorded_at > \(start) AND e.recorded_at <= \(end)
                ORDER BY e.recorded_at DESC
                LIMIT \(limit)
            ) newest ORDER BY 1
            """, logger: logger)
        var events: [SystemEvent] = []
        for try await (time, source, eventID, level, message) in rows.decode((Date, String, Int?, String, String).self) {
            events.append(SystemEvent(time: time, source: source, eventID: eventID, level: level, message: message))
        }
        return events
    }
}
