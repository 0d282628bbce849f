import Foundation
@testable import OptralisScheduler
import OptralisRedis
import OptralisTestSupport
import PostgresNIO
import Testing

/// "Alerts per site" (migration 0011): a channel limited to a site hears only of that site's
/// machines, whether the alert is an offline detection or a rule naming the channel.
@Suite("Alerts per site")
struct SiteChannelTests {
    let fixture = MachineAlertJobTests()

    @Test func a_channel_limited_to_a_site_skips_the_machines_of_another_site() async throws {
        try await fixture.withFixture { db, job, redis, client in
            let siteA = try await fixture.id(db, "INSERT INTO sites (client_id, name) VALUES (\(client), 'Paris') RETURNING id")
            let siteB = try await fixture.id(db, "INSERT INTO sites (client_id, name) VALUES (\(client), 'Lyon') RETURNING id")
            let channelA = try await fixture.id(
                db,
                "INSERT INTO notification_channels (client_id, type, name, config, site_id) VALUES (\(client), 'email', 'Paris', '{\"emails\":[\"a@b.test\"]}', \(siteA)) RETURNING id"
            )
            let channelB = try await fixture.id(
                db,
                "INSERT INTO notification_channels (client_id, type, name, config, site_id) VALUES (\(client), 'email', 'Lyon', '{\"emails\":[\"c@d.test\"]}', \(siteB)) RETURNING id"
            )
            let everywhere = try await fixture.id(
                db,
                "INSERT INTO notification_channels (client_id, type, name, config) VALUES (\(client), 'email', 'All', '{\"emails\":[\"e@f.test\"]}') RETURNING id"
            )
            let machine = try await fixture.id(
                db,
                "INSERT INTO machines (client_id, hostname, site_id, last_seen) VALUES (\(client), 'LYON-01', \(siteB), now() - INTERVAL '10 minutes') RETURNING id"
            )

            #expect(try await job.run()["machines_offline"] == 1)
            let offline = try await redis.listRange(NotificationQueues.delivery).map { $0.lowercased() }
            #expect(offline.count == 2, "the Lyon channel and the unlimited one: \(offline)")
            #expect(!offline.contains { $0.contains(channelA.uuidString.lowercased()) }, "the Paris channel hears nothing of a Lyon machine")
            #expect(offline.contains { $0.contains(channelB.uuidString.lowercased()) } && offline.contains { $0.contains(everywhere.uuidString.lowercased()) })

            // A rule naming both site channels notifies the machine's site only.
            _ = try await redis.delete(NotificationQueues.delivery)
            try await db.query("UPDATE machines SET last_seen = now() WHERE id = \(machine)", logger: testLogger)
            try await db.query("INSERT INTO metrics (machine_id, recorded_at, cpu_percent) VALUES (\(machine), now(), 97)", logger: testLogger)
            let rule = try await fixture.id(
                db,
                "INSERT INTO alert_rules (client_id, name, metric, operator, threshold, severity) VALUES (\(client), 'CPU', 'cpu', '>', 80, 'critical') RETURNING id"
            )
            try await db.query(
                "INSERT INTO alert_rule_channels (client_id, rule_id, channel_id) VALUES (\(client), \(rule), \(channelA)), (\(client), \(rule), \(channelB))",
                logger: testLogger)
            #expect(try await job.run()["deliveries_queued"] == 1)
            let fired = try await redis.listRange(NotificationQueues.delivery).map { $0.lowercased() }
            #expect(fired.count == 1 && fired[0].contains(channelB.uuidString.lowercased()), "\(fired)")
            let notified = try await db.query("SELECT channels_notified FROM alert_rule_history", logger: testLogger).decode(Int.self).reduce(into: [Int]()) {
                $0.append($1)
            }
            #expect(notified == [1], "the history counts the site's channel only")
        }
    }
}
