import Foundation
@testable import OptralisAI
import OptralisCore
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("AI routines and triggers notify their email and webhook channels")
struct AutomationNotificationTests {
    func channel(_ bed: AutomationBed, client: UUID, type: String, enabled: Bool = true, config: String) async throws -> UUID {
        try await bed.db.insertID(
            """
            INSERT INTO notification_channels (client_id, type, name, enabled, config)
            VALUES (\(client), \(type), \(type), \(enabled), \(config)::jsonb) RETURNING id
            """)
    }

    /// The `notification:queue` jobs of these clients (the test Redis is shared with other suites).
    func deliveries(_ bed: AutomationBed, clients: [UUID]) async throws -> [ChannelDelivery] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try await bed.redis.listRange("notification:queue")
            .compactMap { try? decoder.decode(ChannelDelivery.self, from: Data($0.utf8)) }
            .filter { clients.contains($0.clientID) }
    }

    @Test func a_routine_enqueues_an_email_job_and_a_slack_delivery_and_ignores_another_clients_channel() async throws {
        try await AutomationBed.run { bed in
            let client = try await bed.client()
            let other = try await bed.client(name: "Globex")
            _ = try await bed.machine(client: client, hostname: "srv-01")
            let address = "ops-\(UUID().uuidString.lowercased())@example.com"
            let email = try await channel(bed, client: client, type: "email", config: #"{"emails": ["\#(address)"]}"#)
            let slack = try await channel(bed, client: client, type: "webhook_slack", config: #"{"webhook_url": "https://hooks.slack.com/services/T0/B0/x"}"#)
            let disabled = try await channel(
                bed, client: client, type: "webhook_discord", enabled: false, config: #"{"webhook_url": "https://discord.com/api/webhooks/1/x"}"#)
            let foreign = try await channel(bed, client: other, type: "webhook_teams", config: #"{"webhook_url": "https://example.com/teams"}"#)
            let channels = [email, slack, disabled, foreign].map { "\"\($0.uuidString)\"" }.joined(separator: ", ")
            _ = try await bed.routine(
                client: client, nextRunAt: Date().addingTimeInterval(-60), config: #"{"machines": "all", "notify_channels": [\#(channels)]}"#)

            await bed.cycle.run(now: Date())

            let emails = try await bed.redis.listRange("email:queue").filter { $0.contains(address) }
            #expect(emails.count == 1 && emails.first?.contains(#""type":"routine_notification""#) == true, "\(emails)")
            let jobs = try await deliveries(bed, clients: [client, other])
            #expect(jobs.map(\.channelID) == [slack], "one delivery, to the client's enabled Slack channel: \(jobs)")
            let job = try #require(jobs.first)
            #expect(job.clientID == client && job.machineID == nil)
            let message = job.notification
            #expect(message.alertType == .aiAnalysis && message.clientName == "Acme" && message.language == "fr")
            #expect(message.title?.hasPrefix("Routine IA daily_health_check - Acme (") == true, "the subject without [Optralis]: \(message.title ?? "nil")")
            #expect(message.message?.contains("srv-01: Score de santé") == true && message.message?.contains("[Optralis]") == false)
            #expect(message.severity == nil && message.machineName == nil)
            #expect(message.dashboardURL == AutomationBed.publicURL + "/")
        }
    }

    @Test func a_trigger_firing_sends_its_machine_severity_and_link_to_a_teams_channel() async throws {
        try await AutomationBed.run { bed in
            let client = try await bed.client(licence: "essentials")
            let hot = try await bed.machine(client: client, hostname: "srv-hot", cpu: 97)
            let teams = try await channel(bed, client: client, type: "webhook_teams", config: #"{"webhook_url": "https://example.com/teams"}"#)
            _ = try await bed.trigger(
                client: client, type: "critical_machine", conditions: #"{"cpu_above": 95}"#,
                actions: #"{"notify_channels": ["\#(teams.uuidString)"]}"#)

            await bed.cycle.run(now: Date())

            let jobs = try await deliveries(bed, clients: [client])
            #expect(jobs.map(\.channelID) == [teams])
            let job = try #require(jobs.first)
            #expect(job.machineID == hot)
            let message = job.notification
            #expect(message.alertType == .aiAnalysis && message.severity == "critical" && message.machineName == "srv-hot")
            #expect(message.title == "Déclencheur IA critical_machine - srv-hot - Acme")
            #expect(message.message?.contains("CPU 97% above 95%") == true)
            #expect(message.dashboardURL == "\(AutomationBed.publicURL)/machines/\(hot.uuidString.lowercased())")
        }
    }
}
