import Foundation
import Logging
@testable import OptralisScheduler
import OptralisRedis
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("Scheduler jobs against PostgreSQL")
struct SchedulerJobsTests {
    func count(_ client: PostgresClient, _ query: PostgresQuery) async throws -> Int {
        try await client.query(query, logger: testLogger).decode(Int.self).reduce(0, +)
    }

    @Test func retention_removes_exactly_the_rows_past_each_clients_licence_and_nothing_else() async throws {
        let database = try await TestDatabase.create()
        try await database.withClient { db in
            var machines: [String: UUID] = [:]
            for licence in ["trial", "enterprise"] {
                let client = try await db.query("INSERT INTO clients (name, license_type) VALUES (\(licence), \(licence)) RETURNING id", logger: testLogger)
                    .decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
                machines[licence] = try await db.query("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'srv') RETURNING id", logger: testLogger)
                    .decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
            }
            // Rows 3, 10, 40 and 400 days old for each client, in a raw and an hourly table.
            for (_, machine) in machines {
                for days in [3, 10, 40, 400] {
                    try await db.query(
                        "INSERT INTO metrics (machine_id, recorded_at, cpu_percent) VALUES (\(machine), now() - \(days) * INTERVAL '1 day', 1)",
                        logger: testLogger)
                    try await db.query(
                        "INSERT INTO event_logs (machine_id, recorded_at, level, source, message) VALUES (\(machine), now() - \(days) * INTERVAL '1 day', 'error', 'test', 'x')",
                        logger: testLogger)
                }
            }
            // APM: the trial machine's probes by the licence (7 days), spans 7 days whatever the licence.
            let application = try await db.query(
                """
                INSERT INTO apm_applications (client_id, machine_id, name, url, ingest_key_hash, ingest_key_prefix)
                SELECT client_id, id, 'Shop', 'https://shop.test/', repeat('a', 64), 'oapm_aaaaaaa' FROM machines WHERE id = \(machines["trial"]!) RETURNING id
                """, logger: testLogger
            ).decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
            for days in [3, 10] {
                try await db.query(
                    "INSERT INTO apm_probes (application_id, machine_id, recorded_at, up) VALUES (\(application), \(machines["trial"]!), now() - \(days) * INTERVAL '1 day', true)",
                    logger: testLogger)
                try await db.query(
                    """
                    INSERT INTO apm_spans (application_id, trace_id, span_id, name, started_at, start_unix_nano, duration_ns, received_at)
                    VALUES (\(application), repeat('1', 32), lpad(\(days)::text, 16, '0'), 'GET /', now(), 1, 0, now() - \(days) * INTERVAL '1 day')
                    """, logger: testLogger)
            }
            for days in [29, 31] {
                try await db.query(
                    "INSERT INTO activity_logs (timestamp, category, message) VALUES (now() - \(days) * INTERVAL '1 day', 'system', 'x')", logger: testLogger)
            }

            var job = RetentionJob(client: db, logger: testLogger)
            job.batchSize = 2 // several batches per table
            let counts = try await job.run()
            #expect(counts["metrics"] == 4, "trial loses 10, 40, 400 days; enterprise loses 400: \(counts)")
            #expect(counts["event_logs"] == 4)
            #expect(counts["activity_logs"] == 1)
            #expect(counts["apm_probes"] == 1 && counts["apm_spans"] == 1, "\(counts)")
            let trial = machines["trial"]!, enterprise = machines["enterprise"]!
            #expect(try await count(db, "SELECT count(*)::int FROM metrics WHERE machine_id = \(trial)") == 1)
            #expect(try await count(db, "SELECT count(*)::int FROM metrics WHERE machine_id = \(enterprise)") == 3)
            #expect(
                try await count(db, "SELECT count(*)::int FROM metrics WHERE machine_id = \(enterprise) AND recorded_at < now() - INTERVAL '365 days'") == 0)
            #expect(try await count(db, "SELECT count(*)::int FROM activity_logs") == 1)
            #expect(try await job.run().isEmpty, "a second run finds nothing")
        }
        try await database.drop()
    }

    @Test func expired_tokens_are_cleaned_and_live_ones_kept() async throws {
        let database = try await TestDatabase.create()
        try await database.withClient { db in
            try await db.query(
                "INSERT INTO token_blacklist (jti, expires_at) VALUES ('old', now() - INTERVAL '1 minute'), ('live', now() + INTERVAL '10 minutes')",
                logger: testLogger)
            let client = try await Seed.client(db, name: "c")
            try await db.query(
                """
                INSERT INTO install_tokens (client_id, token_hash, created_at, expires_at) VALUES
                (\(client), 'a', now() - INTERVAL '26 hours', now() - INTERVAL '25 hours'),
                (\(client), 'b', now() - INTERVAL '24 hours', now() - INTERVAL '23 hours'),
                (\(client), 'c', now(), now() + INTERVAL '10 minutes')
                """, logger: testLogger)
            let counts = try await TokenCleanupJob(client: db, logger: testLogger).run()
            #expect(counts["token_blacklist"] == 1)
            #expect(counts["install_tokens"] == 1, "only tokens expired for more than 24 hours")
            #expect(try await count(db, "SELECT count(*)::int FROM token_blacklist") == 1)
            #expect(try await count(db, "SELECT count(*)::int FROM install_tokens") == 2)
        }
        try await database.drop()
    }

    @Test func reminders_go_once_per_threshold_to_the_right_people() async throws {
        let database = try await TestDatabase.create()
        let redisServer = try RedisServerProcess()
        try await redisServer.start()
        let redis = RedisClient(url: try RedisURL(parsing: redisServer.url), maximumConnections: 2, logger: testLogger)
        try await database.withClient { db in
            let client = try await db.query(
                "INSERT INTO clients (name, license_expires_at) VALUES ('Acme', now() + INTERVAL '6 days 2 hours') RETURNING id", logger: testLogger
            ).decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
            let hash = "$2b$12$" + String(repeating: "a", count: 53)
            try await db.query(
                """
                INSERT INTO users (client_id, email, password_hash, role, password_expires_at) VALUES
                (\(client), 'admin@acme.test', \(hash), 'admin', now() + INTERVAL '60 days'),
                (\(client), 'viewer@acme.test', \(hash), 'observer', now() + INTERVAL '9 days 12 hours'),
                (\(client), 'fresh@acme.test', \(hash), 'observer', now() + INTERVAL '80 days')
                """, logger: testLogger)
            let job = ReminderJob(client: db, queues: NotificationQueues(redis: redis), publicURL: "https://monitoring.test", logger: testLogger)
            let counts = try await job.run()
            #expect(counts["license_reminders"] == 1, "one admin, licence 7 days away → the 7-day reminder: \(counts)")
            #expect(counts["password_reminders"] == 1, "only the password 10 days away")
            let jobs = try await redis.listRange("email:queue").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            let license = try #require(jobs.first { $0["type"] as? String == "license_expiration" })
            #expect(license["email"] as? String == "admin@acme.test")
            #expect((license["data"] as? [String: String])?["days_left"] == "7")
            let password = try #require(jobs.first { $0["type"] as? String == "password_expiration" })
            #expect(password["email"] as? String == "viewer@acme.test")
            #expect(try await job.run().isEmpty, "the same thresholds are not sent twice")

            // Machine certificates: one expiring in 5 days, one expired yesterday, one fine.
            for (hostname, expiry) in [("SRV-A", "5 days"), ("SRV-B", "-1 day"), ("SRV-C", "200 days")] {
                let machine = try await db.query("INSERT INTO machines (client_id, hostname) VALUES (\(client), \(hostname)) RETURNING id", logger: testLogger)
                    .decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
                try await db.query(
                    """
                    INSERT INTO client_certificates (client_id, machine_id, serial, issued_at, expires_at)
                    VALUES (\(client), \(machine), \(hostname.lowercased()), now() - INTERVAL '360 days', now() + \(expiry)::interval)
                    """, logger: testLogger)
            }
            let certificates = try await job.run()
            #expect(certificates["certificate_reminders"] == 1, "one email to the client's one admin: \(certificates)")
            let certificateJob = try #require(
                try await redis.listRange("email:queue").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                    .first { $0["type"] as? String == "certificate_expiration" })
            #expect((certificateJob["data"] as? [String: String])?["machines"] == "SRV-A, SRV-B")
            #expect((certificateJob["data"] as? [String: String])?["count"] == "2")
            #expect(try await job.run()["certificate_reminders"] == nil, "sent once per threshold")
            #expect(try await count(db, "SELECT count(*)::int FROM expiry_reminders WHERE kind = 'license' AND days_before = 7") == 1)
        }
        #expect(ReminderJob.threshold(daysLeft: 20, among: ReminderJob.licenseThresholds) == 30)
        #expect(ReminderJob.threshold(daysLeft: 14, among: ReminderJob.licenseThresholds) == 14)
        #expect(ReminderJob.threshold(daysLeft: 2, among: ReminderJob.licenseThresholds) == 3)
        #expect(ReminderJob.threshold(daysLeft: 45, among: ReminderJob.licenseThresholds) == nil)
        await redis.shutdown()
        await redisServer.stop()
        try await database.drop()
    }
}
