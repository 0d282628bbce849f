import Foundation
@testable import OptralisScheduler
import OptralisRedis
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("Hourly roll-ups")
struct RollupJobTests {
    @Test func rollups_equal_the_aggregates_of_the_raw_rows_and_take_late_samples() async throws {
        let database = try await TestDatabase.create()
        let server = try RedisServerProcess()
        try await server.start()
        let redis = RedisClient(url: try RedisURL(parsing: server.url), maximumConnections: 2, logger: testLogger)
        try await database.withClient { db in
            let client = try await Seed.client(db, name: "c")
            var machines: [UUID] = []
            for name in ["a", "b"] {
                machines.append(
                    try await db.query("INSERT INTO machines (client_id, hostname) VALUES (\(client), \(name)) RETURNING id", logger: testLogger)
                        .decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0])
            }
            // Four completed hours of samples every 5 minutes, plus samples in the current hour.
            let now = Date()
            let hour = (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600
            for machine in machines {
                var minute = 0
                while minute < 4 * 60 + 30 {
                    let at = Date(timeIntervalSince1970: hour - 4 * 3600 + Double(minute * 60))
                    if at < now {
                        let seed = Double((minute * 7 + (machine == machines[0] ? 3 : 11)) % 97)
                        try await db.query(
                            """
                            INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent, cpu_temp, bytes_recv, bytes_sent, packet_loss, latency_ms, disk_latency_ms)
                            VALUES (\(machine), \(at), \(seed), \(100 - seed), \(40 + seed / 10), \(seed * 1000), \(seed * 500), \(seed / 50), \(seed / 3), \(seed / 4))
                            """, logger: testLogger)
                        try await db.query(
                            "INSERT INTO disk_info (machine_id, recorded_at, mount_point, used_percent) VALUES (\(machine), \(at), '/', \(seed)), (\(machine), \(at), '/data', \(seed / 2))",
                            logger: testLogger)
                    }
                    minute += 5
                }
            }
            let job = RollupJob(client: db, redis: redis, logger: testLogger)
            let counts = try await job.run(now: now)
            #expect(counts["metrics_hourly"] == 8, "4 completed hours × 2 machines; the current hour waits: \(counts)")
            #expect(counts["disk_hourly"] == 16)

            // Hours are cut at the test's own `now`, which the job was given, not PostgreSQL's: a run
            // across an hour boundary would otherwise compare different hours.
            func mismatches() async throws -> Int {
                try await db.query(
                    """
                    WITH direct AS (
                        SELECT machine_id, date_trunc('hour', recorded_at) AS bucket, avg(cpu_percent) a, min(cpu_percent) mi, max(cpu_percent) ma,
                               avg(ram_percent) r, max(cpu_temp) t, max(latency_ms) l, avg(disk_latency_ms) dl, max(disk_latency_ms) dm, count(*) n
                        FROM metrics WHERE recorded_at < date_trunc('hour', \(now)::timestamptz) GROUP BY 1, 2
                    )
                    SELECT count(*)::int FROM direct d FULL JOIN metrics_hourly h USING (machine_id, bucket)
                    LEFT JOIN network_hourly n USING (machine_id, bucket)
                    WHERE h.machine_id IS NULL OR d.machine_id IS NULL OR abs(d.a - h.cpu_avg) > 1e-9 OR d.mi <> h.cpu_min OR d.ma <> h.cpu_max
                       OR abs(d.r - h.ram_avg) > 1e-9 OR d.t <> h.cpu_temp_max OR d.l <> n.latency_max OR d.n <> h.sample_count
                       OR abs(d.dl - h.disk_latency_avg) > 1e-9 OR d.dm <> h.disk_latency_max
                    """, logger: testLogger
                ).decode(Int.self).reduce(0, +)
            }
            #expect(try await mismatches() == 0, "every bucket equals the direct aggregate")
            let diskMismatches = try await db.query(
                """
                SELECT count(*)::int FROM (
                    SELECT machine_id, date_trunc('hour', recorded_at) AS bucket, mount_point, avg(used_percent)::float8 a, max(used_percent)::float8 m
                    FROM disk_info WHERE recorded_at < date_trunc('hour', \(now)::timestamptz) GROUP BY 1, 2, 3) d
                FULL JOIN disk_hourly h USING (machine_id, bucket, mount_point)
                WHERE h.machine_id IS NULL OR d.machine_id IS NULL OR abs(d.a - h.disk_usage_avg) > 1e-9 OR d.m <> h.disk_usage_max
                """, logger: testLogger
            ).decode(Int.self).reduce(0, +)
            #expect(diskMismatches == 0)

            // A sample arriving late (from an agent's spool) for two hours ago is rolled into its hour.
            let late = Date(timeIntervalSince1970: hour - 2 * 3600 + 90)
            try await db.query("INSERT INTO metrics (machine_id, recorded_at, cpu_percent) VALUES (\(machines[0]), \(late), 100)", logger: testLogger)
            _ = try await job.run(now: now)
            #expect(try await mismatches() == 0, "the late sample is in the roll-up")
            let maximum = try await db.query(
                "SELECT cpu_max FROM metrics_hourly WHERE machine_id = \(machines[0]) AND bucket = \(Date(timeIntervalSince1970: hour - 2 * 3600))",
                logger: testLogger
            ).decode(Double.self).reduce(0) { max($0, $1) }
            #expect(maximum == 100)
        }
        await redis.shutdown()
        await server.stop()
        try await database.drop()
    }
}
