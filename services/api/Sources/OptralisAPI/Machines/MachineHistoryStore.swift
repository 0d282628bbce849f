import Foundation
import Logging
import PostgresNIO

/// The metrics, network and disk history of one machine (`metrics`, `disk_info` and their
/// hourly roll-ups). Every query is scoped by the machine, itself found within the client.
struct MachineHistoryStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct MetricPoint: Encodable, Sendable {
        let time: Date
        let cpuPercent, ramPercent, cpuTemp: Double?
        let cpuMin, cpuMax, ramMin, ramMax: Double?
        enum CodingKeys: String, CodingKey {
            case time, cpuPercent = "cpu_percent", ramPercent = "ram_percent", cpuTemp = "cpu_temp", cpuMin = "cpu_min", cpuMax = "cpu_max",
                ramMin = "ram_min", ramMax = "ram_max"
        }
    }

    struct NetworkPoint: Encodable, Sendable {
        let time: Date
        let bytesRecv, bytesSent, packetLoss, latencyMs: Double?
        let bytesRecvMax, bytesSentMax, latencyMax: Double?
        enum CodingKeys: String, CodingKey {
            case time, bytesRecv = "bytes_recv", bytesSent = "bytes_sent", packetLoss = "packet_loss", latencyMs = "latency_ms",
                bytesRecvMax = "bytes_recv_max", bytesSentMax = "bytes_sent_max", latencyMax = "latency_max"
        }
    }

    /// The columns one history reads: seven values after the time, from the roll-up, from a raw
    /// sample, and aggregated over a raw bucket; `present` marks the raw rows of this collector.
    struct Series: Sendable {
        let rollup: String
        let rollupColumns: String
        let rawColumns: String
        let bucketColumns: String
        let present: String

        static let metrics = Series(
            rollup: "metrics_hourly", rollupColumns: "cpu_avg, ram_avg, cpu_temp_avg, cpu_min, cpu_max, ram_min, ram_max",
            rawColumns: "cpu_percent, ram_percent, cpu_temp, NULL::float8, NULL::float8, NULL::float8, NULL::float8",
            bucketColumns: "avg(cpu_percent), avg(ram_percent), avg(cpu_temp), min(cpu_percent), max(cpu_percent), min(ram_percent), max(ram_percent)",
            present: "cpu_percent")
        static let network = Series(
            rollup: "network_hourly",
            rollupColumns: "bytes_recv_avg, bytes_sent_avg, packet_loss_avg, latency_avg, bytes_recv_max, bytes_sent_max, latency_max",
            rawColumns: "bytes_recv, bytes_sent, packet_loss, latency_ms, NULL::float8, NULL::float8, NULL::float8",
            bucketColumns: "avg(bytes_recv), avg(bytes_sent), avg(packet_loss), avg(latency_ms), max(bytes_recv), max(bytes_sent), max(latency_ms)",
            present: "bytes_recv")
    }

    typealias Row = (Date, Double?, Double?, Double?, Double?, Double?, Double?, Double?)

    func metrics(machineID: UUID, range: HistoryRange) async throws -> (String, [MetricPoint]) {
        let (source, rows) = try await history(.metrics, machineID: machineID, range: range)
        return (
            source,
            rows.map { MetricPoint(time: $0.0, cpuPercent: $0.1, ramPercent: $0.2, cpuTemp: $0.3, cpuMin: $0.4, cpuMax: $0.5, ramMin: $0.6, ramMax: $0.7) }
        )
    }

    func network(machineID: UUID, range: HistoryRange) async throws -> (String, [NetworkPoint]) {
        let (source, rows) = try await history(.network, machineID: machineID, range: range)
        return (
            source,
            rows.map {
                NetworkPoint(
                    time: $0.0, bytesRecv: $0.1, bytesSent: $0.2, packetLoss: $0.3, latencyMs: $0.4, bytesRecvMax: $0.5, bytesSentMax: $0.6, latencyMax: $0.7)
            }
        )
    }

    struct DiskPoint: Encodable, Sendable {
        let time: Date
        let mountPoint: String
        let usedPercent, usedPercentMax: Double?
        enum CodingKeys: String, CodingKey {
            case time, mountPoint = "mount_point", usedPercent = "used_percent", usedPercentMax = "used_percent_max"
        }
    }

    /// Each mount point's usage, with the same ranges, buckets and roll-up fallback as the
    /// other histories (`disk_info`, `disk_hourly`).
    func disks(machineID: UUID, range: HistoryRange) async throws -> (String, [DiskPoint]) {
        func rows(_ sql: String) async throws -> [DiskPoint] {
            var binds = PostgresBindings()
            binds.append(machineID)
            binds.append(range.hours)
            return try await database.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                .decode((Date, String, Double?, Double?).self)
                .reduce(into: []) { $0.append(DiskPoint(time: $1.0, mountPoint: $1.1, usedPercent: $1.2, usedPercentMax: $1.3)) }
        }
        let raw = "FROM disk_info WHERE machine_id = $1 AND recorded_at > now() - $2 * interval '1 hour'"
        if range.usesRollups {
            let hourly = try await rows(
                """
                SELECT bucket, mount_point, disk_usage_avg, disk_usage_max FROM disk_hourly
                WHERE machine_id = $1 AND bucket > now() - $2 * interval '1 hour' ORDER BY bucket, mount_point
                """)
            if Set(hourly.map(\.time)).count >= HistoryRange.minimumRollupPoints { return ("hourly", hourly) }
            return (
                "raw",
                try await rows(
                    """
                    SELECT DISTINCT ON (date_trunc('hour', recorded_at), mount_point) recorded_at, mount_point, used_percent::float8, NULL::float8 \(raw)
                    ORDER BY date_trunc('hour', recorded_at), mount_point, recorded_at DESC
                    """)
            )
        }
        if range.rawBucketSeconds == 0 {
            return ("raw", try await rows("SELECT recorded_at, mount_point, used_percent::float8, NULL::float8 \(raw) ORDER BY recorded_at, mount_point"))
        }
        return (
            "raw",
            try await rows(
                """
                SELECT date_bin(interval '\(range.rawBucketSeconds) seconds', recorded_at, TIMESTAMPTZ '2000-01-01') AS t, mount_point,
                    avg(used_percent)::float8, max(used_percent)::float8
                \(raw) GROUP BY t, mount_point ORDER BY t, mount_point
                """)
        )
    }

    /// (source, rows): `hourly` roll-ups for long ranges when they hold enough points, else `raw`.
    private func history(_ series: Series, machineID: UUID, range: HistoryRange) async throws -> (String, [Row]) {
        func rows(_ sql: String) async throws -> [Row] {
            var binds = PostgresBindings()
            binds.append(machineID)
            binds.append(range.hours)
            return try await database.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).decode(Row.self).reduce(into: []) { $0.append($1) }
        }
        let raw = "FROM metrics WHERE machine_id = $1 AND \(series.present) IS NOT NULL AND recorded_at > now() - $2 * interval '1 hour'"
        if range.usesRollups {
            let hourly = try await rows(
                "SELECT bucket, \(series.rollupColumns) FROM \(series.rollup) WHERE machine_id = $1 AND bucket > now() - $2 * interval '1 hour' ORDER BY bucket"
            )
            if hourly.count >= HistoryRange.minimumRollupPoints { return ("hourly", hourly) }
            return (
                "raw",
                try await rows(
                    """
                    SELECT DISTINCT ON (date_trunc('hour', recorded_at)) recorded_at, \(series.rawColumns) \(raw)
                    ORDER BY date_trunc('hour', recorded_at), recorded_at DESC
                    """)
            )
        }
        if range.rawBucketSeconds == 0 {
            return ("raw", try await rows("SELECT recorded_at, \(series.rawColumns) \(raw) ORDER BY recorded_at"))
        }
        return (
            "raw",
            try await rows(
                """
                SELECT date_bin(interval '\(range.rawBucketSeconds) seconds', recorded_at, TIMESTAMPTZ '2000-01-01') AS t, \(series.bucketColumns)
                \(raw) GROUP BY t ORDER BY t
                """)
        )
    }
}
