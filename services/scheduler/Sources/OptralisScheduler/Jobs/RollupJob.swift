import Foundation
import Logging
import OptralisRedis
import PostgresNIO

/// Hourly roll-ups ("Continuous Aggregates", as ordinary tables): `metrics_hourly` (CPU, RAM,
/// CPU temperature avg/min/max, disk latency avg/max), `network_hourly` (bytes, packet loss, latency avg/max) and
/// `disk_hourly` (usage avg/max per mount point), upserted for the completed hours since the
/// last run. The window starts `lateness` before the previous watermark, so samples an agent
/// delivers late from its spool still land in their hour; a first run covers 31 days.
struct RollupJob: Sendable {
    static let watermarkKey = "scheduler:rollup:watermark"

    let client: PostgresClient
    let redis: RedisClient
    let logger: Logger
    var lateness: TimeInterval = 3 * 3600

    func run(now: Date = Date()) async throws -> [String: Int] {
        let end = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
        let watermark = try await redis.get(Self.watermarkKey).flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
        let start = watermark.map { $0.addingTimeInterval(-lateness) } ?? end.addingTimeInterval(-31 * 86_400)
        guard start < end else { return [:] }
        var counts: [String: Int] = [:]
        counts["metrics_hourly"] = try await upsert(
            """
            WITH upserted AS (
                INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, cpu_min, cpu_max, ram_avg, ram_min, ram_max,
                                            cpu_temp_avg, cpu_temp_min, cpu_temp_max, disk_latency_avg, disk_latency_max, sample_count)
                SELECT machine_id, date_trunc('hour', recorded_at), avg(cpu_percent), min(cpu_percent), max(cpu_percent),
                       avg(ram_percent), min(ram_percent), max(ram_percent), avg(cpu_temp), min(cpu_temp), max(cpu_temp),
                       avg(disk_latency_ms), max(disk_latency_ms), count(*)
                FROM metrics WHERE recorded_at >= \(start) AND recorded_at < \(end) GROUP BY 1, 2
                ON CONFLICT (machine_id, bucket) DO UPDATE SET
                    cpu_avg = EXCLUDED.cpu_avg, cpu_min = EXCLUDED.cpu_min, cpu_max = EXCLUDED.cpu_max,
                    ram_avg = EXCLUDED.ram_avg, ram_min = EXCLUDED.ram_min, ram_max = EXCLUDED.ram_max,
                    cpu_temp_avg = EXCLUDED.cpu_temp_avg, cpu_temp_min = EXCLUDED.cpu_temp_min, cpu_temp_max = EXCLUDED.cpu_temp_max,
                    disk_latency_avg = EXCLUDED.disk_latency_avg, disk_latency_max = EXCLUDED.disk_latency_max,
                    sample_count = EXCLUDED.sample_count
                RETURNING 1
            ) SELECT count(*)::int FROM upserted
            """)
        counts["network_hourly"] = try await upsert(
            """
            WITH upserted AS (
                INSERT INTO network_hourly (machine_id, bucket, bytes_recv_avg, bytes_recv_max, bytes_sent_avg, bytes_sent_max,
                                            packet_loss_avg, packet_loss_max, latency_avg, latency_max, sample_count)
                SELECT machine_id, date_trunc('hour', recorded_at), avg(bytes_recv), max(bytes_recv), avg(bytes_sent), max(bytes_sent),
                       avg(packet_loss), max(packet_loss), avg(latency_ms), max(latency_ms), count(*)
                FROM metrics WHERE recorded_at >= \(start) AND recorded_at < \(end) GROUP BY 1, 2
                ON CONFLICT (machine_id, bucket) DO UPDATE SET
                    bytes_recv_avg = EXCLUDED.bytes_recv_avg, bytes_recv_max = EXCLUDED.bytes_recv_max,
                    bytes_sent_avg = EXCLUDED.bytes_sent_avg, bytes_sent_max = EXCLUDED.bytes_sent_max,
                    packet_loss_avg = EXCLUDED.packet_loss_avg, packet_loss_max = EXCLUDED.packet_loss_max,
                    latency_avg = EXCLUDED.latency_avg, latency_max = EXCLUDED.latency_max, sample_count = EXCLUDED.sample_count
                RETURNING 1
            ) SELECT count(*)::int FROM upserted
            """)
        counts["disk_hourly"] = try await upsert(
            """
            WITH upserted AS (
                INSERT INTO disk_hourly (machine_id, bucket, mount_point, disk_usage_avg, disk_usage_max, sample_count)
                SELECT machine_id, date_trunc('hour', recorded_at), mount_point, avg(used_percent), max(used_percent), count(*)
                FROM disk_info WHERE recorded_at >= \(start) AND recorded_at < \(end) GROUP BY 1, 2, 3
                ON CONFLICT (machine_id, bucket, mount_point) DO UPDATE SET
                    disk_usage_avg = EXCLUDED.disk_usage_avg, disk_usage_max = EXCLUDED.disk_usage_max, sample_count = EXCLUDED.sample_count
                RETURNING 1
            ) SELECT count(*)::int FROM upserted
            """)
        try await redis.set(Self.watermarkKey, String(end.timeIntervalSince1970))
        return counts.filter { $0.value > 0 }
    }

    private func upsert(_ query: PostgresQuery) async throws -> Int {
        try await client.query(query, logger: logger).decode(Int.self).reduce(0, +)
    }
}
