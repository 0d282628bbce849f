import Foundation
@testable import OptralisScheduler
import OptralisRedis
import OptralisTestSupport
import PostgresNIO
import Testing

/// Smart rules ("Alertes Intelligentes (Essentials+)"), evaluated by the machine-alerts job with
/// a real PostgreSQL and Redis: adaptive thresholds from `metric_baselines`, the sustained window,
/// the dynamic cooldown, correlation with the offline alert, grouping with the plain rules.
@Suite("Smart alert evaluation")
struct SmartAlertEvaluationTests {
    let fixture = MachineAlertJobTests()

    /// An Essentials client's machine, seen now, with a channel taking `high_cpu` and one taking
    /// only `machine_offline` (it must hear nothing of a metric alert).
    func essentials(_ db: PostgresClient, _ client: UUID, hostname: String = "APP-01") async throws -> UUID {
        try await db.query("UPDATE clients SET license_type = 'essentials' WHERE id = \(client)", logger: testLogger)
        _ = try await fixture.id(
            db,
            "INSERT INTO notification_channels (client_id, type, name, config, alert_types) VALUES (\(client), 'email', 'CPU', '{\"emails\":[\"a@b.test\"]}', '{high_cpu,high_ram,disk_critical}') RETURNING id"
        )
        _ = try await fixture.id(
            db,
            "INSERT INTO notification_channels (client_id, type, name, config, alert_types) VALUES (\(client), 'email', 'Offline', '{\"emails\":[\"c@d.test\"]}', '{machine_offline}') RETURNING id"
        )
        return try await fixture.id(db, "INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), \(hostname), now()) RETURNING id")
    }

    /// One CPU sample a minute over the last `minutes` minutes (the newest now), at `value`.
    func cpu(_ db: PostgresClient, _ machine: UUID, _ value: Double, minutes: Int, olderThan: Int = 0) async throws {
        try await db.query(
            """
            INSERT INTO metrics (machine_id, recorded_at, cpu_percent)
            SELECT \(machine), now() - (\(olderThan) + i) * INTERVAL '1 minute', \(value) FROM generate_series(0, \(minutes - 1)) AS i
            """, logger: testLogger)
    }

    /// The baseline the AI service would have stored: p95 40, σ 5 (a threshold of 55 at k = 3).
    func baseline(_ db: PostgresClient, _ machine: UUID, metric: String = "cpu_percent", age: String = "1 hour") async throws {
        try await db.query(
            """
            INSERT INTO metric_baselines (machine_id, metric_type, baseline_mean, baseline_stddev, baseline_p95, last_updated)
            VALUES (\(machine), \(metric), 32, 5, 40, now() - \(age)::interval)
            """, logger: testLogger)
    }

    func rule(
        _ db: PostgresClient, _ client: UUID, name: String = "CPU inhabituel", metric: String = "cpu", mode: String = "adaptive",
        sigma: Double? = 3, threshold: Double? = nil, severity: String = "warning"
    ) async throws -> UUID {
        try await fixture.id(
            db,
            """
            INSERT INTO smart_alert_rules (client_id, name, metric, mode, sigma_factor, threshold, duration_minutes, severity)
            VALUES (\(client), \(name), \(metric), \(mode), \(sigma), \(threshold), 10, \(severity)) RETURNING id
            """)
    }

    /// The common case: an Essentials machine with its CPU baseline, at 80 % for 10 minutes, and
    /// (unless `rule` is false) an adaptive warning rule at k = 3 on it.
    func hot(_ db: PostgresClient, _ client: UUID, rule withRule: Bool = true) async throws -> UUID {
        let machine = try await essentials(db, client)
        try await baseline(db, machine)
        try await cpu(db, machine, 80, minutes: 10)
        if withRule { _ = try await rule(db, client) }
        return machine
    }

    func smart(_ job: MachineAlertJob) async throws -> Int { try await job.run()["smart_rules_fired"] ?? 0 }

    @Test func cpu_above_its_baseline_for_the_whole_window_alerts_once_then_after_the_cooldown() async throws {
        try await fixture.withFixture { db, job, redis, client in
            _ = try await hot(db, client)

            #expect(try await smart(job) == 1)
            let jobs = try await redis.listRange(NotificationQueues.delivery)
            #expect(jobs.count == 1, "the channel taking high_cpu only: \(jobs)")
            let delivery = try #require(jobs.first)
            #expect(delivery.contains("\"high_cpu\"") && delivery.contains("APP-01") && delivery.contains("\"warning\""), "\(delivery)")
            #expect(
                delivery.contains("CPU inhabituel") && delivery.contains("80 % en moyenne sur 10 min") && delivery.contains("au-dessus de 55 %"), "\(delivery)")
            #expect(delivery.contains("p95 40 % + 3 × σ 5"), "the baseline the threshold came from: \(delivery)")

            #expect(try await smart(job) == 0, "within the cooldown")
            try await db.query("UPDATE smart_alert_firings SET fired_at = now() - INTERVAL '20 minutes'", logger: testLogger)
            #expect(try await smart(job) == 0, "a warning's cooldown is 60 minutes, longer than the 15-minute grouping")
            try await db.query("UPDATE smart_alert_firings SET fired_at = now() - INTERVAL '61 minutes'", logger: testLogger)
            #expect(try await smart(job) == 1, "after the cooldown it alerts again")
            #expect(try await redis.listLength(NotificationQueues.delivery) == 2)

            try await db.query("UPDATE smart_alert_rules SET severity = 'critical'", logger: testLogger)
            try await db.query("UPDATE smart_alert_firings SET fired_at = now() - INTERVAL '16 minutes', severity = 'critical'", logger: testLogger)
            #expect(try await smart(job) == 1, "a critical rule's cooldown is 15 minutes")
        }
    }

    @Test func two_replicas_evaluating_at_once_send_one_alert() async throws {
        try await fixture.withFixture { db, job, redis, client in
            _ = try await hot(db, client)
            let other = MachineAlertJob(client: db, queues: job.queues, publicURL: job.publicURL, offlineAfter: job.offlineAfter, logger: testLogger)
            async let first = job.evaluateSmartRules()
            async let second = other.evaluateSmartRules()
            let (a, b) = try await (first, second)
            #expect(a.fired + b.fired == 1, "\(a) \(b)")
            #expect(try await redis.listLength(NotificationQueues.delivery) == 1)
        }
    }

    @Test func a_short_burst_a_usual_value_or_one_within_the_minimum_margin_does_not_alert() async throws {
        try await fixture.withFixture { db, job, redis, client in
            let machine = try await essentials(db, client)
            try await baseline(db, machine)
            _ = try await rule(db, client)
            try await cpu(db, machine, 80, minutes: 5)
            try await cpu(db, machine, 40, minutes: 5, olderThan: 5)
            #expect(try await smart(job) == 0, "80 % for 5 minutes only, in a 10-minute window (its mean, 60, is above 55)")
            try await db.query("DELETE FROM metrics", logger: testLogger)
            try await cpu(db, machine, 54, minutes: 10)
            #expect(try await smart(job) == 0, "54 % stays under p95 40 + 3σ 5 = 55")
            try await db.query("DELETE FROM metrics", logger: testLogger)
            try await cpu(db, machine, 80, minutes: 3)
            #expect(try await smart(job) == 0, "three samples cover 3 of the 10 minutes")

            // A machine whose CPU barely varies: p95 40, σ 0.5, so p95 + 3σ = 41.5, but the
            // threshold is at least p95 + 10.
            try await db.query("UPDATE metric_baselines SET baseline_stddev = 0.5", logger: testLogger)
            try await db.query("DELETE FROM metrics", logger: testLogger)
            try await cpu(db, machine, 48, minutes: 10)
            #expect(try await smart(job) == 0, "48 % is under the minimum margin's 50")
            try await db.query("DELETE FROM metrics", logger: testLogger)
            try await cpu(db, machine, 52, minutes: 10)
            #expect(try await smart(job) == 1, "52 % is above it")
            let delivery = try #require(try await redis.listRange(NotificationQueues.delivery).first)
            #expect(delivery.contains("au-dessus de 50 %") && delivery.contains("p95 40 % + 3 × σ 0.5, au moins p95 + 10)"), "\(delivery)")
        }
    }

    @Test func without_a_recent_baseline_an_adaptive_rule_stays_silent() async throws {
        try await fixture.withFixture { db, job, _, client in
            let machine = try await essentials(db, client)
            try await cpu(db, machine, 99, minutes: 10)
            _ = try await rule(db, client)
            try await baseline(db, machine, metric: "ram_percent")
            #expect(try await smart(job) == 0, "no CPU baseline: none is invented")
            try await baseline(db, machine, age: "8 days")
            #expect(try await smart(job) == 0, "a baseline older than 7 days is not used")
            try await db.query("UPDATE metric_baselines SET last_updated = now()", logger: testLogger)
            #expect(try await smart(job) == 1, "the same baseline, measured today")
        }
    }

    @Test func an_offline_machine_gets_its_offline_alert_only() async throws {
        try await fixture.withFixture { db, job, redis, client in
            let machine = try await hot(db, client)
            // A plain rule too: the correlation holds for both.
            _ = try await fixture.id(
                db,
                "INSERT INTO alert_rules (client_id, name, metric, operator, threshold, severity) VALUES (\(client), 'CPU', 'cpu', '>', 70, 'critical') RETURNING id"
            )
            try await db.query("UPDATE machines SET last_seen = now() - INTERVAL '6 minutes' WHERE id = \(machine)", logger: testLogger)

            let counts = try await job.run()
            #expect(counts["machines_offline"] == 1 && counts["smart_rules_fired"] == nil && counts["rules_fired"] == nil, "\(counts)")
            let jobs = try await redis.listRange(NotificationQueues.delivery)
            #expect(jobs.count == 1 && jobs[0].contains("\"machine_offline\""), "one alert, the root cause: \(jobs)")
            #expect(try await job.run().isEmpty, "still offline: silence")
        }
    }

    @Test func a_plain_rule_alert_on_the_same_machine_and_metric_groups_the_smart_one() async throws {
        try await fixture.withFixture { db, job, redis, client in
            _ = try await hot(db, client)
            let channel = try await fixture.id(
                db,
                "INSERT INTO notification_channels (client_id, type, name, config) VALUES (\(client), 'webhook_slack', 'Slack', '{\"webhook_url\":\"http://127.0.0.1:9/x\"}') RETURNING id"
            )
            let plain = try await fixture.id(
                db,
                "INSERT INTO alert_rules (client_id, name, metric, operator, threshold, severity) VALUES (\(client), 'CPU', 'cpu', '>', 70, 'warning') RETURNING id"
            )
            try await db.query("INSERT INTO alert_rule_channels (client_id, rule_id, channel_id) VALUES (\(client), \(plain), \(channel))", logger: testLogger)

            let counts = try await job.run()
            #expect(counts["rules_fired"] == 1 && counts["smart_rules_fired"] == nil, "the plain rule's alert covers the machine and metric: \(counts)")
            #expect(try await redis.listLength(NotificationQueues.delivery) == 1)

            // A more severe smart alert is not hidden behind a warning.
            try await db.query("UPDATE smart_alert_rules SET severity = 'critical'", logger: testLogger)
            #expect(try await smart(job) == 1)
            // And a smart alert groups the plain rule's next one.
            try await db.query("UPDATE alert_rule_history SET triggered_at = now() - INTERVAL '2 hours'", logger: testLogger)
            #expect(try await job.run()["rules_fired"] == nil, "the smart critical alert of 0 minutes ago covers the plain warning")
            try await db.query("UPDATE smart_alert_firings SET fired_at = now() - INTERVAL '16 minutes'", logger: testLogger)
            #expect(try await job.run()["rules_fired"] == 1)
        }
    }

    @Test func several_smart_rules_of_a_machine_and_metric_send_the_most_severe() async throws {
        try await fixture.withFixture { db, job, redis, client in
            _ = try await hot(db, client, rule: false)
            _ = try await rule(db, client, name: "CPU au-dessus de l'habituel", sigma: 2, severity: "info")
            _ = try await rule(db, client, name: "CPU très au-dessus de l'habituel", sigma: 5, severity: "critical")
            #expect(try await smart(job) == 1)
            let delivery = try #require(try await redis.listRange(NotificationQueues.delivery).first)
            #expect(delivery.contains("très au-dessus") && delivery.contains("\"critical\"") && delivery.contains("au-dessus de 65 %"), "\(delivery)")
        }
    }

    @Test func a_static_disk_rule_alerts_and_english_clients_read_english() async throws {
        try await fixture.withFixture { db, job, redis, client in
            try await db.query("UPDATE clients SET language = 'en' WHERE id = \(client)", logger: testLogger)
            let machine = try await essentials(db, client)
            try await db.query(
                """
                INSERT INTO disk_info (machine_id, recorded_at, mount_point, used_percent)
                SELECT \(machine), now() - i * INTERVAL '1 minute', mount, CASE mount WHEN '/' THEN 95 ELSE 20 END
                FROM generate_series(0, 9) AS i, (VALUES ('/'), ('/home')) AS v(mount)
                """, logger: testLogger)
            _ = try await rule(db, client, name: "Disk nearly full", metric: "disk", mode: "static", sigma: nil, threshold: 90, severity: "critical")
            #expect(try await smart(job) == 1, "the fullest volume counts")
            let delivery = try #require(try await redis.listRange(NotificationQueues.delivery).first)
            #expect(
                delivery.contains("\"disk_critical\"")
                    && delivery.contains("Smart rule \\\"Disk nearly full\\\": 95 % on average over 10 min, always above 90 %"), "\(delivery)")
        }
    }

    @Test func a_client_below_essentials_is_not_evaluated() async throws {
        try await fixture.withFixture { db, job, _, client in
            _ = try await hot(db, client)
            try await db.query("UPDATE clients SET license_type = 'starter' WHERE id = \(client)", logger: testLogger)
            #expect(try await smart(job) == 0)
            try await db.query("UPDATE clients SET license_type = 'essentials', license_status = 'suspended' WHERE id = \(client)", logger: testLogger)
            #expect(try await smart(job) == 0)
        }
    }
}
