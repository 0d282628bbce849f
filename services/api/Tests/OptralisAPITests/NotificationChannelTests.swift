import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OptralisTestSupport
import PostgresNIO
import Synchronization
import Testing

@testable import OptralisAPI

@Suite("Notification channels")
struct NotificationChannelTests {
    @Test func channels_are_validated_scoped_to_the_client_and_read_only_for_observers() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient(), other = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let outsider = try await api.login(try await api.seedUser(client: other, role: "admin").email).access

            let tooMany = (0...50).map { "ops\($0)@example.com" }
            #expect(
                try await api.send(.post, "/api/notifications/channels", token: admin, json: ["type": "email", "name": "Ops", "config": ["emails": tooMany]])
                    .code == "VALIDATION_ERROR")
            #expect(
                try await api.send(
                    .post, "/api/notifications/channels", token: admin, json: ["type": "email", "name": "Ops", "config": ["emails": ["not-an-address"]]]
                ).code == "VALIDATION_ERROR")
            #expect(
                try await api.send(.post, "/api/notifications/channels", token: admin, json: ["type": "sms", "name": "Ops", "config": [:]]).code
                    == "VALIDATION_ERROR")
            #expect(
                try await api.send(
                    .post, "/api/notifications/channels", token: admin, json: ["type": "webhook_slack", "name": "Ops", "config": ["webhook_url": "ftp://x"]]
                ).code == "WEBHOOK_URL_REFUSED")
            #expect(
                try await api.send(
                    .post, "/api/notifications/channels", token: admin,
                    json: ["type": "webhook_teams", "name": "T", "config": ["webhook_url": "http://127.0.0.1:9/x", "card_version": "2.0"]]
                ).code == "VALIDATION_ERROR")

            let created = try await api.send(
                .post, "/api/notifications/channels", token: admin,
                json: [
                    "type": "email", "name": "  Ops team ", "config": ["emails": ["OPS@example.com", "ops@example.com", "oncall@example.com"]],
                    "alert_types": ["machine_offline", "disk_critical"],
                ])
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.string("id"))
            #expect(created.string("name") == "Ops team")
            #expect(
                (created.json["config"] as? [String: Any])?["emails"] as? [String] == ["ops@example.com", "oncall@example.com"],
                "lower-cased, duplicates removed")

            let teams = try await api.send(
                .post, "/api/notifications/channels", token: admin,
                json: ["type": "webhook_teams", "name": "Teams", "config": ["webhook_url": "http://127.0.0.1:9/hook"]])
            #expect((teams.json["config"] as? [String: Any])?["card_version"] as? String == "1.4", "Adaptive Card 1.4 unless asked")

            #expect((try await api.send(.get, "/api/notifications/channels", token: observer).json["channels"] as? [Any])?.count == 2)
            #expect(
                try await api.send(
                    .post, "/api/notifications/channels", token: observer, json: ["type": "email", "name": "X", "config": ["emails": ["a@b.test"]]]
                ).status == .forbidden)
            #expect(try await api.send(.post, "/api/notifications/channels/\(id)/test", token: observer).status == .forbidden)
            #expect(try await api.send(.delete, "/api/notifications/channels/\(id)", token: observer).status == .forbidden)

            for (method, path) in [
                (HTTPRequest.Method.get, "/api/notifications/channels/\(id)"), (.put, "/api/notifications/channels/\(id)"),
                (.delete, "/api/notifications/channels/\(id)"), (.post, "/api/notifications/channels/\(id)/test"),
            ] {
                let reply = try await api.send(
                    method, path, token: outsider, json: method == .put ? ["name": "Mine", "config": ["emails": ["x@y.test"]]] : nil)
                #expect(reply.status == .notFound, "\(method) \(path)")
            }
            #expect((try await api.send(.get, "/api/notifications/channels", token: outsider).json["channels"] as? [Any])?.isEmpty == true)

            let renamed = try await api.send(
                .put, "/api/notifications/channels/\(id)", token: admin,
                json: ["name": "Night shift", "enabled": false, "config": ["emails": ["night@example.com"]]])
            #expect(renamed.string("name") == "Night shift" && renamed.json["enabled"] as? Bool == false)
            #expect(
                try await api.send(
                    .put, "/api/notifications/channels/\(id)", token: admin,
                    json: ["type": "webhook_slack", "name": "x", "config": ["webhook_url": "https://h.test"]]
                ).code == "VALIDATION_ERROR")
            #expect(try await api.send(.delete, "/api/notifications/channels/\(id)", token: admin).status == .noContent)
            #expect(try await api.send(.get, "/api/notifications/channels/\(id)", token: admin).status == .notFound)

            let types = try await api.send(.get, "/api/notifications/types", token: observer)
            #expect(
                (types.json["types"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == [
                    "machine_offline", "machine_online", "high_cpu", "high_ram", "high_temperature", "disk_critical", "smart_warning", "brute_force",
                ])
            let channelTypes = try await api.send(.get, "/api/notifications/channel-types", token: observer)
            #expect(
                (channelTypes.json["channel_types"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == [
                    "email", "webhook_teams", "webhook_slack", "webhook_discord",
                ])
            #expect(try await api.send(.get, "/api/notifications/history?status=lost", token: observer).code == "VALIDATION_ERROR")
        }
    }

    /// A Slack, Teams or Discord webhook URL is a credential (issue 17, item 2): written by
    /// admins, shown masked to every reader, kept when an update does not bring a new one.
    @Test func webhook_urls_are_write_only() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let secret = "http://127.0.0.1:9/services/T000/B000/SeCrEtPaTh9Qz"
            let created = try await api.send(
                .post, "/api/notifications/channels", token: admin,
                json: [
                    "type": "webhook_slack", "name": "Ops", "config": ["webhook_url": secret],
                ])
            let id = try #require(created.string("id"), "\(created.text)")
            let masked = "http://127.0.0.1:9/…h9Qz"
            for (who, token) in [("admin", admin), ("observer", observer)] {
                for path in ["/api/notifications/channels", "/api/notifications/channels/\(id)"] {
                    let read = try await api.send(.get, path, token: token)
                    #expect(read.status == .ok && !read.text.contains("SeCrEt") && read.text.contains(masked), "\(who) \(path): \(read.text)")
                }
            }
            #expect(!created.text.contains("SeCrEt"), "\(created.text)")
            func stored() async throws -> String {
                try await api.database.withClient { db in
                    try await db.query("SELECT config->>'webhook_url' FROM notification_channels WHERE id = \(UUID(uuidString: id)!)", logger: testLogger)
                        .decode(String.self).reduce(into: "") { $0 = $1 }
                }
            }
            let renamed = try await api.send(.put, "/api/notifications/channels/\(id)", token: admin, json: ["name": "Ops 2", "config": [:] as [String: Any]])
            #expect(renamed.status == .ok && renamed.string("name") == "Ops 2", "\(renamed.text)")
            #expect(try await stored() == secret, "an update without a URL keeps the stored one")
            let echoed = try await api.send(
                .put, "/api/notifications/channels/\(id)", token: admin, json: ["name": "Ops 3", "config": ["webhook_url": masked]])
            let afterEcho = try await stored()
            #expect(echoed.status == .ok && afterEcho == secret, "the masked URL sent back keeps the stored one: \(echoed.text)")
            let replaced = "http://127.0.0.1:9/services/T000/B000/NewPath"
            #expect(
                try await api.send(.put, "/api/notifications/channels/\(id)", token: admin, json: ["name": "Ops", "config": ["webhook_url": replaced]]).status
                    == .ok)
            #expect(try await stored() == replaced)
        }
    }

    @Test func in_production_webhooks_must_be_https_to_public_addresses() async throws {
        try await APIHarness.run(environment: ["OPTRALIS_ENV": "production"]) { api in
            let admin = try await api.login(try await api.seedUser(client: try await api.seedClient(), role: "admin").email).access
            for url in [
                "http://hooks.example.com/x", "https://127.0.0.1/x", "https://10.1.2.3/x", "https://169.254.169.254/latest", "https://[::1]/x",
                "https://localhost/x", "https://192.168.1.10/x",
            ] {
                let reply = try await api.send(
                    .post, "/api/notifications/channels", token: admin, json: ["type": "webhook_discord", "name": "D", "config": ["webhook_url": url]])
                #expect(reply.code == "WEBHOOK_URL_REFUSED", "\(url) was accepted")
            }
        }
    }

    /// Issue 17, item 13: each test sends a real email or webhook; it is limited per client
    /// (counted before the channel is looked up, so an unknown id costs a try too).
    @Test func channel_tests_are_rate_limited_per_client() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient(), other = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let colleague = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let outsider = try await api.login(try await api.seedUser(client: other, role: "admin").email).access
            for _ in 0..<NotificationsController.testsPerMinute {
                #expect(try await api.send(.post, "/api/notifications/channels/\(UUID())/test", token: admin).status == .notFound)
            }
            let limited = try await api.send(.post, "/api/notifications/channels/\(UUID())/test", token: colleague)
            #expect(limited.status == .tooManyRequests && limited.code == "RATE_LIMITED", "per client, whoever asks: \(limited.text)")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect(
                try await api.send(.post, "/api/notifications/channels/\(UUID())/test", token: outsider).status == .notFound, "another client is not limited")
        }
    }

    @Test func a_channel_test_goes_through_the_real_notifier_and_reports_the_outcome() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        let received = Mutex<[String]>([])
        let sinkRouter = Router()
        sinkRouter.post("/hook") { request, _ -> HTTPResponse.Status in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            received.withLock { $0.append(body) }
            return .ok
        }
        let sink = Application(router: sinkRouter, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await sink.test(.live) { sinkClient in
            try await APIHarness.run(redisURL: redis.url) { api in
                let client = try await api.seedClient()
                let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
                let channel = try await api.send(
                    .post, "/api/notifications/channels", token: admin,
                    json: [
                        "type": "webhook_slack", "name": "Slack", "config": ["webhook_url": "http://127.0.0.1:\(sinkClient.port!)/hook"],
                    ])
                let id = try #require(channel.string("id"))
                let notifier = try ServiceProcess.launch(
                    "optralis-notifier",
                    environment: ["DATABASE_URL": api.database.url.urlString, "REDIS_URL": redis.url, "NOTIFIER_PORT": "0", "LOG_LEVEL": "warning"],
                    port: 0)
                let result = try await api.send(.post, "/api/notifications/channels/\(id)/test", token: admin)
                #expect(result.status == .ok, "\(result.text)")
                #expect(result.string("status") == "sent", "\(result.text)\n\(notifier.child.output.suffix(800))")
                #expect(received.withLock { $0.count } == 1)
                #expect(received.withLock { $0.first?.contains("\"blocks\"") } == true, "a Slack Block Kit body")
                let history = try await api.send(.get, "/api/notifications/history?channel_id=\(id)", token: admin)
                let entries = history.json["history"] as? [[String: Any]] ?? []
                #expect(entries.count == 1 && entries.first?["status"] as? String == "sent" && entries.first?["alert_type"] as? String == "test")
                notifier.child.signal(SIGTERM)
                _ = await notifier.child.waitForExit(timeout: .seconds(10))
            }
        }
        await redis.stop()
    }
}
