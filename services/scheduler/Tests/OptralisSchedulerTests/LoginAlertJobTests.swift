import Foundation
@testable import OptralisScheduler
import OptralisRedis
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("Repeated failed logins (brute_force)")
struct LoginAlertJobTests {
    @Test func an_account_under_attack_alerts_its_admins_and_channels_once_and_a_guessing_address_alerts_the_super_admins() async throws {
        let database = try await TestDatabase.create()
        let server = try RedisServerProcess()
        try await server.start()
        let redis = RedisClient(url: try RedisURL(parsing: server.url), maximumConnections: 2, logger: testLogger)
        try await database.withClient { db in
            func id(_ query: PostgresQuery) async throws -> UUID {
                try await db.query(query, logger: testLogger).decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
            }
            let client = try await id("INSERT INTO clients (name, language) VALUES ('Acme', 'fr') RETURNING id")
            _ = try await id(
                "INSERT INTO users (client_id, email, password_hash, role, language) VALUES (\(client), 'boss@acme.test', '$2b$12$abcdefghijklmnopqrstuv', 'admin', 'fr') RETURNING id"
            )
            let target = try await id(
                "INSERT INTO users (client_id, email, password_hash, role, language) VALUES (\(client), 'clerk@acme.test', '$2b$12$abcdefghijklmnopqrstuv', 'observer', 'fr') RETURNING id"
            )
            _ = try await id(
                "INSERT INTO users (client_id, email, password_hash, role, language) VALUES (NULL, 'root@optralis.test', '$2b$12$abcdefghijklmnopqrstuv', 'super_admin', 'en') RETURNING id"
            )
            _ = try await id(
                "INSERT INTO notification_channels (client_id, type, name, config, alert_types) VALUES (\(client), 'email', 'Security', '{\"emails\":[\"sec@acme.test\"]}', '{brute_force}') RETURNING id"
            )
            _ = try await id(
                "INSERT INTO notification_channels (client_id, type, name, config, alert_types) VALUES (\(client), 'email', 'Disks', '{\"emails\":[\"ops@acme.test\"]}', '{smart_warning}') RETURNING id"
            )
            func fail(_ email: String, from ip: String, client: UUID?, user: UUID?, minutesAgo: Int = 1) async throws {
                try await db.query(
                    """
                    INSERT INTO activity_logs (timestamp, level, category, message, metadata, client_id, user_id, ip_address)
                    VALUES (now() - \(minutesAgo) * INTERVAL '1 minute', 'warn', 'auth', 'Échec de connexion', jsonb_build_object('email', \(email)::text), \(client), \(user), \(ip))
                    """, logger: testLogger)
            }
            let job = LoginAlertJob(client: db, queues: NotificationQueues(redis: redis), publicURL: "https://monitoring.test", logger: testLogger)

            // Four failures, and old ones, stay under the threshold.
            for ip in ["198.51.100.7", "198.51.100.7", "203.0.113.9", "203.0.113.9"] {
                try await fail("Clerk@acme.test", from: ip, client: client, user: target)
            }
            for _ in 0..<5 { try await fail("clerk@acme.test", from: "192.0.2.1", client: client, user: target, minutesAgo: 30) }
            #expect(try await job.run().isEmpty)

            try await fail("clerk@acme.test", from: "203.0.113.10", client: client, user: target)
            let counts = try await job.run()
            #expect(counts == ["brute_force_alerts": 1, "emails_queued": 1, "deliveries_queued": 1], "\(counts)")
            let email = try #require(try await redis.listRange("email:queue").first)
            #expect(
                email.contains("boss@acme.test") && email.contains("security_notice")
                    && email.contains("5 échecs de connexion en 15 minutes sur le compte clerk@acme.test, depuis 3 adresse(s)"), "\(email)")
            let delivery = try #require(try await redis.listRange(NotificationQueues.delivery).first)
            #expect(delivery.contains("\"brute_force\"") && delivery.contains("clerk@acme.test"))
            try await fail("clerk@acme.test", from: "203.0.113.11", client: client, user: target)
            #expect(try await job.run().isEmpty, "alerted once an hour")

            // One address trying many accounts (none of them an account here): the super_admins.
            for index in 0..<20 { try await fail("guess\(index)@example.test", from: "192.0.2.66", client: nil, user: nil) }
            #expect(try await job.run() == ["brute_force_alerts": 1, "emails_queued": 1])
            let platform = try #require(try await redis.listRange("email:queue").first { $0.contains("root@optralis.test") })
            #expect(
                platform.contains("20 failed logins in 15 minutes from the address 192.0.2.66, on 20 account(s)")
                    && platform.contains(#"\/admin\/activity?category=auth"#), "\(platform)")
        }
        await redis.shutdown()
        await server.stop()
        try await database.drop()
    }
}
