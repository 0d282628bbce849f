import Foundation
import Logging
@testable import OptralisScheduler
import OptralisCore
import OptralisRedis
import OptralisReports
import OptralisTestSupport
import PostgresNIO
import Testing

/// The daily summary email: once per local day per client, from its hour in its time zone, to
/// its recipients or its admins, whatever the number of runs or replicas.
@Suite("Daily summary job")
struct DailySummaryJobTests {
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    func insert(_ db: PostgresClient, _ query: PostgresQuery) async throws -> UUID {
        try await db.query(query, logger: testLogger).decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
    }

    func jobs(_ redis: RedisClient) async throws -> [EmailJob] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try await redis.listRange("email:queue").map { try decoder.decode(EmailJob.self, from: Data($0.utf8)) }
    }

    @Test func the_schedule_follows_the_clients_time_zone_and_day() {
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        // 22:30 UTC is 07:30 the next day in Tokyo: not yet 8 o'clock.
        #expect(DailySummarySchedule.due(now: Self.at("2026-12-06T22:30:00Z"), hour: 8, timeZone: tokyo, lastSentOn: nil) == nil)
        #expect(DailySummarySchedule.due(now: Self.at("2026-12-06T23:30:00Z"), hour: 8, timeZone: tokyo, lastSentOn: "2026-12-06") == "2026-12-07")
        #expect(DailySummarySchedule.due(now: Self.at("2026-12-06T23:30:00Z"), hour: 8, timeZone: tokyo, lastSentOn: "2026-12-07") == nil)
        // Kolkata is UTC+5:30: 8 o'clock there is 02:30 UTC.
        let kolkata = TimeZone(identifier: "Asia/Kolkata")!
        #expect(DailySummarySchedule.due(now: Self.at("2026-12-07T02:25:00Z"), hour: 8, timeZone: kolkata, lastSentOn: nil) == nil)
        #expect(DailySummarySchedule.due(now: Self.at("2026-12-07T02:30:00Z"), hour: 8, timeZone: kolkata, lastSentOn: nil) == "2026-12-07")
        // Late in the day (the scheduler was down at the hour): still that day's summary.
        #expect(
            DailySummarySchedule.due(now: Self.at("2026-12-07T22:00:00Z"), hour: 0, timeZone: TimeZone(identifier: "UTC")!, lastSentOn: "2026-12-06")
                == "2026-12-07")
    }

    @Test func a_summary_goes_once_a_day_at_the_clients_hour_to_its_admins_or_recipients() async throws {
        let database = try await TestDatabase.create()
        let redisServer = try RedisServerProcess()
        try await redisServer.start()
        let redis = RedisClient(url: try RedisURL(parsing: redisServer.url), maximumConnections: 2, logger: testLogger)
        try await database.withClient { db in
            let hash = "$2b$12$" + String(repeating: "a", count: 53)
            let tokyo = try await insert(
                db,
                """
                INSERT INTO clients (name, language, daily_summary_hour, daily_summary_timezone)
                VALUES ('Tokyo Co', 'en', 8, 'Asia/Tokyo') RETURNING id
                """)
            try await db.query(
                """
                INSERT INTO users (client_id, email, password_hash, role, language) VALUES
                (\(tokyo), 'boss@tokyo.test', \(hash), 'admin', 'fr'),
                (\(tokyo), 'viewer@tokyo.test', \(hash), 'observer', 'en')
                """, logger: testLogger)
            let machine = try await insert(
                db, "INSERT INTO machines (client_id, hostname, last_seen, health_score) VALUES (\(tokyo), 'srv-tk', now(), 42) RETURNING id")
            try await db.query(
                """
                INSERT INTO alert_rule_history (client_id, machine_id, rule_name, metric, operator, threshold, severity, triggered_value, triggered_at)
                VALUES (\(tokyo), \(machine), 'CPU high', 'cpu', '>', 90, 'critical', 97, '2026-12-06T05:00:00Z')
                """, logger: testLogger)
            // Recipients instead of the admins; the same hour in Paris (UTC+1 in December).
            let paris = try await insert(
                db,
                """
                INSERT INTO clients (name, daily_summary_hour, daily_summary_timezone, daily_summary_recipients)
                VALUES ('Paris SA', 8, 'Europe/Paris', ARRAY['ops@paris.test', 'cto@paris.test']) RETURNING id
                """)
            _ = try await insert(
                db, "INSERT INTO users (client_id, email, password_hash, role) VALUES (\(paris), 'admin@paris.test', \(hash), 'admin') RETURNING id")
            // Off, or suspended: never.
            let off = try await insert(db, "INSERT INTO clients (name, daily_summary_enabled, daily_summary_hour) VALUES ('Off', false, 0) RETURNING id")
            let suspended = try await insert(
                db, "INSERT INTO clients (name, license_status, daily_summary_hour) VALUES ('Suspended', 'suspended', 0) RETURNING id")
            for (client, email) in [(off, "admin@off.test"), (suspended, "admin@suspended.test")] {
                _ = try await insert(
                    db, "INSERT INTO users (client_id, email, password_hash, role) VALUES (\(client), \(email), \(hash), 'admin') RETURNING id")
            }

            let job = DailySummaryJob(client: db, queues: NotificationQueues(redis: redis), publicURL: "https://monitoring.test", logger: testLogger)
            // 06:30 UTC: 15:30 in Tokyo (due), 07:30 in Paris (not yet).
            #expect(try await job.run(now: Self.at("2026-12-06T06:30:00Z")) == ["daily_summaries": 1, "daily_summary_emails": 1])
            var queued = try await jobs(redis)
            #expect(queued.count == 1)
            let email = try #require(queued.first)
            #expect(email.type == "daily_summary" && email.email == "boss@tokyo.test" && email.language == "fr", "the admin, in their language")
            #expect(email.data["date"] == "2026-12-06" && email.data["client_name"] == "Tokyo Co" && email.data["dashboard_url"] == "https://monitoring.test")
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let summary = try decoder.decode(DailySummary.self, from: Data(try #require(email.data["summary"]).utf8))
            #expect(summary.clientID == tokyo && summary.health.averageScore == 42)
            #expect(summary.machinesInAlert.map(\.hostname) == ["srv-tk"] && summary.machinesInAlert.first?.reasons == [.alertRule, .lowHealthScore])
            #expect(summary.topIncidents.map(\.name) == ["CPU high"])

            // The same day again, and a second replica racing: nothing more.
            #expect(try await job.run(now: Self.at("2026-12-06T06:35:00Z")).isEmpty)
            // 07:10 UTC: 08:10 in Paris; two replicas at once send it once.
            let other = DailySummaryJob(client: db, queues: NotificationQueues(redis: redis), publicURL: "https://monitoring.test", logger: testLogger)
            async let first = job.run(now: Self.at("2026-12-06T07:10:00Z"))
            async let second = other.run(now: Self.at("2026-12-06T07:10:00Z"))
            let results = [try await first, try await second]
            #expect(results.map { $0["daily_summaries"] ?? 0 }.reduce(0, +) == 1, "\(results)")
            queued = try await jobs(redis)
            #expect(queued.map(\.email).sorted() == ["boss@tokyo.test", "cto@paris.test", "ops@paris.test"], "the recipients, not the admin")
            #expect(queued.filter { $0.email.hasSuffix("paris.test") }.allSatisfy { $0.language == "fr" }, "recipients get the client's language")
            let sent = try await db.query("SELECT name, daily_summary_sent_on::text FROM clients ORDER BY name", logger: testLogger)
                .decode((String, String?).self).reduce(into: [String: String]()) { $0[$1.0] = $1.1 ?? "never" }
            #expect(sent == ["Off": "never", "Paris SA": "2026-12-06", "Suspended": "never", "Tokyo Co": "2026-12-06"])

            // Redis down at the next local day in Tokyo: the day is given back, and the next run sends it.
            let unreachable = RedisClient(
                url: try RedisURL(parsing: "redis://127.0.0.1:1"), maximumConnections: 1, timeout: .milliseconds(500), logger: testLogger)
            let stranded = DailySummaryJob(client: db, queues: NotificationQueues(redis: unreachable), publicURL: "https://monitoring.test", logger: testLogger)
            #expect(try await stranded.run(now: Self.at("2026-12-07T00:30:00Z")) == ["daily_summary_failures": 1])
            await unreachable.shutdown()
            let given = try await db.query("SELECT daily_summary_sent_on::text FROM clients WHERE id = \(tokyo)", logger: testLogger)
                .decode(String.self).reduce(into: [String]()) { $0.append($1) }
            #expect(given == ["2026-12-06"], "the day is given back")
            // The next local day in Tokyo (00:30 UTC is 09:30 there), not yet in Paris.
            #expect(try await job.run(now: Self.at("2026-12-07T00:30:00Z")) == ["daily_summaries": 1, "daily_summary_emails": 1])
            #expect(try await jobs(redis).count == 4)
        }
        await redis.shutdown()
        await redisServer.stop()
        try await database.drop()
    }
}
