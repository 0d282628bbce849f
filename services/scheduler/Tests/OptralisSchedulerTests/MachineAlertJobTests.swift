import Foundation
@testable import OptralisScheduler
import OptralisRedis
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("Offline detection and rule evaluation")
struct MachineAlertJobTests {
    func withFixture(_ body: @Sendable (PostgresClient, MachineAlertJob, RedisClient, UUID) async throws -> Void) async throws {
        let database = try await TestDatabase.create()
        let server = try RedisServerProcess()
        try await server.start()
        let redis = RedisClient(url: try RedisURL(parsing: server.url), maximumConnections: 2, logger: testLogger)
        try await database.withClient { db in
            let client = try await db.query("INSERT INTO clients (name, language) VALUES ('Acme', 'fr') RETURNING id", logger: testLogger)
                .decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
            let job = MachineAlertJob(
                client: db, queues: NotificationQueues(redis: redis), publicURL: "https://monitoring.test", offlineAfter: .seconds(300), logger: testLogger)
            try await body(db, job, redis, client)
        }
        await redis.shutdown()
        await server.stop()
        try await database.drop()
    }

    func id(_ db: PostgresClient, _ query: PostgresQuery) async throws -> UUID {
        try await db.query(query, logger: testLogger).decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
    }

    @Test func offline_notifies_once_stays_silent_and_notifies_again_after_coming_back() async throws {
        try await withFixture { db, job, redis, client in
            _ = try await id(
                db,
                "INSERT INTO notification_channels (client_id, type, name, config) VALUES (\(client), 'email', 'All', '{\"emails\":[\"a@b.test\"]}') RETURNING id"
            )
            _ = try await id(
                db,
                "INSERT INTO notification_channels (client_id, type, name, config, alert_types) VALUES (\(client), 'email', 'CPU only', '{\"emails\":[\"c@d.test\"]}', '{high_cpu}') RETURNING id"
            )
            let machine = try await id(
                db, "INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), 'SRV-01', now() - INTERVAL '10 minutes') RETURNING id")
            _ = try await id(
                db,
                "INSERT INTO machines (client_id, hostname, last_seen, maintenance_mode) VALUES (\(client), 'SRV-MAINT', now() - INTERVAL '10 minutes', true) RETURNING id"
            )
            _ = try await id(db, "INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), 'SRV-OK', now()) RETURNING id")

            #expect(try await job.run()["machines_offline"] == 1, "only the silent machine outside maintenance")
            let jobs = try await redis.listRange(NotificationQueues.delivery)
            #expect(jobs.count == 1, "one delivery: the CPU-only channel does not take offline alerts")
            #expect(jobs.first?.contains("\"machine_offline\"") == true && jobs.first?.contains("SRV-01") == true)
            #expect(try await job.run()["machines_offline"] == nil, "still offline: no second notification")

            try await db.query("UPDATE machines SET last_seen = now(), offline_notified_at = NULL WHERE id = \(machine)", logger: testLogger)
            #expect(try await job.run()["machines_offline"] == nil, "back online")
            try await db.query("UPDATE machines SET last_seen = now() - INTERVAL '6 minutes' WHERE id = \(machine)", logger: testLogger)
            #expect(try await job.run()["machines_offline"] == 1, "offline again: one new notification")
            #expect(try await redis.listLength(NotificationQueues.delivery) == 2)
        }
    }

    @Test func a_rule_fires_once_within_its_cooldown_and_again_after() async throws {
        try await withFixture { db, job, redis, client in
            let channel = try await id(
                db,
                "INSERT INTO notification_channels (client_id, type, name, config) VALUES (\(client), 'webhook_slack', 'Slack', '{\"webhook_url\":\"http://127.0.0.1:9/x\"}') RETURNING id"
            )
            let hot = try await id(db, "INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), 'HOT', now()) RETURNING id")
            let cool = try await id(db, "INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), 'COOL', now()) RETURNING id")
            try await db.query(
                "INSERT INTO metrics (machine_id, recorded_at, cpu_percent) VALUES (\(hot), now() - INTERVAL '2 minutes', 50), (\(hot), now(), 95), (\(cool), now(), 40)",
                logger: testLogger)
            let rule = try await id(
                db,
                "INSERT INTO alert_rules (client_id, name, metric, operator, threshold, severity, cooldown_minutes) VALUES (\(client), 'CPU', 'cpu', '>', 80, 'critical', 30) RETURNING id"
            )
            try await db.query("INSERT INTO alert_rule_channels (client_id, rule_id, channel_id) VALUES (\(client), \(rule), \(channel))", logger: testLogger)

            let first = try await job.run()
            #expect(first["rules_fired"] == 1, "the latest value of HOT (95) is over 80; COOL is not: \(first)")
            #expect(first["deliveries_queued"] == 1)
            let history = try await db.query("SELECT machine_id, triggered_value, channels_notified FROM alert_rule_history", logger: testLogger)
                .decode((UUID, Double, Int).self).reduce(into: [(UUID, Double, Int)]()) { $0.append($1) }
            #expect(history.count == 1 && history[0].0 == hot && history[0].1 == 95 && history[0].2 == 1)
            let delivery = try #require(try await redis.listRange(NotificationQueues.delivery).first)
            #expect(delivery.contains("\"high_cpu\"") && delivery.contains("HOT") && delivery.lowercased().contains(rule.uuidString.lowercased()))

            #expect(try await job.run()["rules_fired"] == nil, "within the cooldown")
            try await db.query("UPDATE alert_rule_history SET triggered_at = now() - INTERVAL '20 minutes'", logger: testLogger)
            #expect(try await job.run()["rules_fired"] == nil, "20 minutes later, still within the 30-minute cooldown")
            try await db.query("UPDATE alert_rule_history SET triggered_at = now() - INTERVAL '31 minutes'", logger: testLogger)
            #expect(try await job.run()["rules_fired"] == 1, "after the cooldown it fires again")
            try await db.query("UPDATE alert_rules SET enabled = false", logger: testLogger)
            try await db.query("UPDATE alert_rule_history SET triggered_at = now() - INTERVAL '2 hours'", logger: testLogger)
            #expect(try await job.run()["rules_fired"] == nil, "a disabled rule never fires")
        }
    }

    /// The real capture of a failing Seagate (shared fixtures): one alert naming the machine, the
    /// disk and its 304 reallocated sectors, to the channels that take `smart_warning`; silence
    /// while it stays failing; again after it was seen healthy and fails anew.
    @Test func a_failing_disk_is_notified_once_and_again_after_it_recovered() async throws {
        try await withFixture { db, job, redis, client in
            _ = try await id(
                db,
                "INSERT INTO notification_channels (client_id, type, name, config, alert_types) VALUES (\(client), 'email', 'Disks', '{\"emails\":[\"ops@b.test\"]}', '{smart_warning}') RETURNING id"
            )
            _ = try await id(
                db,
                "INSERT INTO notification_channels (client_id, type, name, config, alert_types) VALUES (\(client), 'email', 'CPU only', '{\"emails\":[\"c@d.test\"]}', '{high_cpu}') RETURNING id"
            )
            let machine = try await id(db, "INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), 'NAS-01', now()) RETURNING id")
            let maintenance = try await id(
                db, "INSERT INTO machines (client_id, hostname, last_seen, maintenance_mode) VALUES (\(client), 'NAS-MAINT', now(), true) RETURNING id")
            func report(_ machine: UUID, status: String, reallocated: Int, minutesAgo: Int) async throws {
                let attributes =
                    #"[{"id": 5, "name": "Reallocated_Sector_Ct", "value": 93, "worst": 93, "thresh": 36, "raw": 304}, {"id": 187, "name": "Reported_Uncorrect", "value": 1, "worst": 1, "thresh": 10, "raw": 99}]"#
                try await db.query(
                    """
                    INSERT INTO smart_data (machine_id, recorded_at, device, model, serial, smart_status, reallocated_sectors, attributes)
                    VALUES (\(machine), now() - \(minutesAgo) * INTERVAL '1 minute', '/dev/sda', 'ST3500418AS', 'Z2AB1234', \(status), \(reallocated), \(attributes)::jsonb),
                           (\(machine), now() - \(minutesAgo) * INTERVAL '1 minute', '/dev/vda', 'QEMU HARDDISK', NULL, 'virtual', NULL, NULL)
                    """, logger: testLogger)
            }
            try await report(machine, status: "critical", reallocated: 304, minutesAgo: 3)
            try await report(maintenance, status: "critical", reallocated: 304, minutesAgo: 3)

            #expect(try await job.run()["failing_disks"] == 1, "the machine in maintenance is left out")
            let jobs = try await redis.listRange(NotificationQueues.delivery)
            #expect(jobs.count == 1, "one delivery: the CPU-only channel does not take SMART alerts")
            let delivery = try #require(jobs.first)
            #expect(delivery.contains("\"smart_warning\"") && delivery.contains("NAS-01") && delivery.contains("ST3500418AS") && delivery.contains("Z2AB1234"))
            #expect(delivery.contains("304 secteurs réalloués") && delivery.contains("Reported_Uncorrect à 1 (seuil 10)"), "\(delivery)")
            #expect(!delivery.contains("Reallocated_Sector_Ct à"), "an attribute above its threshold did not cross it")

            try await report(machine, status: "critical", reallocated: 310, minutesAgo: 1)
            #expect(try await job.run()["failing_disks"] == nil, "still failing: no second alert")
            try await report(machine, status: "healthy", reallocated: 310, minutesAgo: 0)
            #expect(try await job.run()["failing_disks"] == nil, "healthy: nothing to say, the disk is forgotten")
            try await db.query("UPDATE smart_data SET recorded_at = recorded_at - INTERVAL '1 minute' WHERE machine_id = \(machine)", logger: testLogger)
            try await report(machine, status: "warning", reallocated: 320, minutesAgo: 0)
            #expect(try await job.run()["failing_disks"] == 1, "failing again after it recovered: a new alert")
            #expect(try await redis.listLength(NotificationQueues.delivery) == 2)
        }
    }

    @Test func a_temperature_rule_says_temperature() async throws {
        try await withFixture { db, job, redis, client in
            let channel = try await id(
                db,
                "INSERT INTO notification_channels (client_id, type, name, config) VALUES (\(client), 'webhook_slack', 'Slack', '{\"webhook_url\":\"http://127.0.0.1:9/x\"}') RETURNING id"
            )
            let hot = try await id(db, "INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), 'OVEN', now()) RETURNING id")
            try await db.query("INSERT INTO metrics (machine_id, recorded_at, cpu_percent, cpu_temp) VALUES (\(hot), now(), 20, 91)", logger: testLogger)
            let rule = try await id(
                db,
                "INSERT INTO alert_rules (client_id, name, metric, operator, threshold, severity, cooldown_minutes) VALUES (\(client), 'Hot CPU package', 'temperature', '>', 85, 'critical', 30) RETURNING id"
            )
            try await db.query("INSERT INTO alert_rule_channels (client_id, rule_id, channel_id) VALUES (\(client), \(rule), \(channel))", logger: testLogger)
            #expect(try await job.run()["rules_fired"] == 1)
            let delivery = try #require(try await redis.listRange(NotificationQueues.delivery).first)
            #expect(delivery.contains("\"high_temperature\"") && !delivery.contains("\"high_cpu\""), "\(delivery)")
        }
    }

    @Test func database_rules_read_the_machines_databases_latest_samples() async throws {
        try await withFixture { db, job, redis, client in
            try await db.query("UPDATE clients SET license_type = 'business' WHERE id = \(client)", logger: testLogger)
            let channel = try await id(
                db,
                "INSERT INTO notification_channels (client_id, type, name, config) VALUES (\(client), 'webhook_slack', 'Slack', '{\"webhook_url\":\"http://127.0.0.1:9/x\"}') RETURNING id"
            )
            let busy = try await id(db, "INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), 'DB-01', now()) RETURNING id")
            let calm = try await id(db, "INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), 'DB-02', now()) RETURNING id")
            func database(_ machine: UUID, _ name: String) async throws -> UUID {
                try await id(
                    db,
                    """
                    INSERT INTO monitored_databases (client_id, machine_id, engine, host, port, database_name, username)
                    VALUES (\(client), \(machine), 'postgresql', '127.0.0.1', 5432, \(name), 'monitor') RETURNING id
                    """)
            }
            let shop = try await database(busy, "shop"), crm = try await database(busy, "crm"), quiet = try await database(calm, "quiet")
            // shop's older sample is past: its latest (40 + 5) stands; crm's 120 + 30 is the busiest.
            for (databaseID, machine, minutesAgo, active, idle, hit, lag) in [
                (shop, busy, 2, 300, 0, 99.0, 0.0), (shop, busy, 1, 40, 5, 97.5, 250.0), (crm, busy, 1, 120, 30, 82.0, 1_500.0),
                (quiet, calm, 1, 3, 2, 99.9, 0.0),
            ] {
                try await db.query(
                    """
                    INSERT INTO database_metrics (database_id, machine_id, recorded_at, connections_active, connections_idle, cache_hit_ratio, replication_lag_ms)
                    VALUES (\(databaseID), \(machine), now() - \(minutesAgo) * INTERVAL '1 minute', \(active), \(idle), \(hit), \(lag))
                    """, logger: testLogger)
            }
            for (name, metric, comparison, threshold) in [
                ("Pool saturation", "db_connections", ">", 100.0), ("Cold cache", "db_cache_hit_ratio", "<", 90.0),
                ("Replica behind", "db_replication_lag_ms", ">", 1_000.0),
            ] {
                let rule = try await id(
                    db,
                    """
                    INSERT INTO alert_rules (client_id, name, metric, operator, threshold, severity, cooldown_minutes)
                    VALUES (\(client), \(name), \(metric), \(comparison), \(threshold), 'warning', 30) RETURNING id
                    """)
                try await db.query(
                    "INSERT INTO alert_rule_channels (client_id, rule_id, channel_id) VALUES (\(client), \(rule), \(channel))", logger: testLogger)
            }
            #expect(try await job.run()["rules_fired"] == 3)
            let fired = try await db.query(
                "SELECT metric, triggered_value FROM alert_rule_history WHERE machine_id = \(busy) ORDER BY metric", logger: testLogger
            ).decode((String, Double).self).reduce(into: [String]()) { $0.append("\($1.0)=\($1.1)") }
            #expect(fired == ["db_cache_hit_ratio=82.0", "db_connections=150.0", "db_replication_lag_ms=1500.0"], "\(fired)")
            let deliveries = try await redis.listRange(NotificationQueues.delivery)
            #expect(deliveries.count == 3 && deliveries.allSatisfy { $0.contains("\"database_alert\"") }, "\(deliveries)")
            #expect(deliveries.contains { $0.contains("\"unit\":\" ms\"") }, "the lag in milliseconds")
        }
    }
}
