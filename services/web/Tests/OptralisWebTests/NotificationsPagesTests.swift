import Foundation
import Hummingbird
import HummingbirdTesting
import OptralisTestSupport
import Synchronization
import Testing

@Suite("Notifications page")
struct NotificationsPagesTests {
    /// An admin adds a Slack channel pointing at a local sink, sends a test the real notifier
    /// delivers there, sees it in the deliveries, edits the channel without retyping its URL, and
    /// deletes it; an observer reads the masked URL with no form.
    @Test func an_admin_adds_a_slack_channel_tests_it_through_the_notifier_and_an_observer_only_reads() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        let received = Mutex<[String]>([])
        let sinkRouter = Router()
        sinkRouter.post("/hook/:secret") { request, _ -> HTTPResponse.Status in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            received.withLock { $0.append(body) }
            return .ok
        }
        let sink = Application(router: sinkRouter, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await sink.test(.live) { sinkClient in
            try await WebHarness.run(redisURL: redis.url) { web in
                let client = try await web.seedClient()
                let admin = try await web.seedUser(client: client)
                let observer = try await web.seedUser(client: client, role: "observer")
                let admins = WebHarness.Browser(), observers = WebHarness.Browser()
                #expect(try await web.logIn(admin, as: admins).location == "/")
                #expect(try await web.logIn(observer, as: observers).location == "/")

                let chooser = try await web.get("/notifications/new", as: admins)
                #expect(chooser.text.contains("href=\"/notifications/new?type=webhook_slack\""))
                let blank = try await web.get("/notifications/new?type=webhook_slack", as: admins)
                let token = try #require(blank.field("_csrf"))
                #expect(blank.text.contains("name=\"alert_types\" value=\"smart_warning\" checked"), "sensible defaults")

                // A refused URL comes back next to its field; the name typed is kept.
                let refused = try await web.post(
                    "/notifications",
                    form: [
                        "_csrf": token, "type": "webhook_slack", "name": "Ops Slack", "webhook_url": "ftp://example.com/x", "alert_types": "machine_offline",
                        "enabled": "on",
                    ], as: admins)
                #expect(
                    refused.status == .badRequest && refused.text.contains("id=\"url-error\"") && refused.text.contains("value=\"Ops Slack\""),
                    "\(refused.text.prefix(3000))")

                let url = "http://127.0.0.1:\(sinkClient.port!)/hook/T000-secret-x9Qz"
                let created = try await web.post(
                    "/notifications",
                    form: [
                        "_csrf": token, "type": "webhook_slack", "name": "Ops Slack", "webhook_url": url, "alert_types": "machine_offline", "enabled": "on",
                    ], as: admins)
                #expect(created.location == "/notifications?done=1", "\(created.status) \(created.text.prefix(600))")
                let listed = try await web.get("/notifications", as: admins)
                #expect(
                    listed.text.contains("Ops Slack") && listed.text.contains("Machine offline") && !listed.text.contains("T000-secret"),
                    "\(listed.text.prefix(2500))")
                #expect(listed.text.contains("x9Qz"), "the URL's last characters tell channels apart")
                let channel = String(try #require(listed.text.firstMatch(of: /action="\/notifications\/([0-9a-f-]{36})\/test"/)?.1))

                // The test goes through the real notifier to the sink, and the page says so.
                let notifier = try ServiceProcess.launch(
                    "optralis-notifier",
                    environment: ["DATABASE_URL": web.database.url.urlString, "REDIS_URL": redis.url, "NOTIFIER_PORT": "0", "LOG_LEVEL": "warning"],
                    port: 0)
                let tested = try await web.post("/notifications/\(channel)/test", form: ["_csrf": token], as: admins)
                #expect(tested.text.contains("Test delivered"), "\(tested.text.prefix(1200))\n\(notifier.child.output.suffix(800))")
                #expect(received.withLock { $0.count } == 1 && received.withLock { $0.first?.contains("\"blocks\"") } == true)
                let deliveries = try await web.get("/notifications?channel_id=\(channel)&status=sent", as: observers)
                #expect(deliveries.text.contains("</span> Sent</span>") && deliveries.text.contains("<td>Ops Slack</td>"), "\(deliveries.text.prefix(3000))")
                notifier.child.signal(SIGTERM)
                _ = await notifier.child.waitForExit(timeout: .seconds(10))

                // Edited without retyping the URL: the stored one is kept (the next test reaches the sink again).
                let edit = try await web.get("/notifications/\(channel)/edit", as: admins)
                #expect(edit.text.contains("placeholder=\"http://127.0.0.1") && !edit.text.contains("T000-secret"))
                let edited = try await web.post(
                    "/notifications/\(channel)",
                    form: [
                        "_csrf": token, "type": "webhook_slack", "name": "Ops Slack (night)", "webhook_url": "", "alert_types": "disk_critical",
                        "enabled": "on",
                    ], as: admins)
                #expect(edited.location == "/notifications?done=1")
                let stored = try await web.database.withClient { db in
                    try await db.query("SELECT config->>'webhook_url' FROM notification_channels WHERE name = 'Ops Slack (night)'", logger: testLogger)
                        .decode(String.self).reduce(into: [String]()) { $0.append($1) }
                }
                #expect(stored == [url])

                // In French, the refusal is said in French.
                admins.set("optralis_lang", "fr")
                let french = try await web.post("/notifications", form: ["_csrf": token, "type": "email", "name": "", "emails": "ops@acme.test"], as: admins)
                #expect(french.text.contains("<p class=\"field-error\" id=\"name-error\">"), "\(french.text.prefix(3000))")
                admins.set("optralis_lang", "en")

                // The observer reads, with no form; a forged post is refused by the api.
                let read = try await web.get("/notifications", as: observers)
                #expect(
                    read.text.contains("Ops Slack (night)") && !read.text.contains("data-admin-action") && !read.text.contains("href=\"/notifications/new\""))
                let forged = try await web.post("/notifications/\(channel)/delete", form: ["_csrf": try #require(read.field("_csrf"))], as: observers)
                #expect(forged.location == "/notifications?failed=FORBIDDEN")
                #expect(try await web.get("/notifications?failed=FORBIDDEN", as: observers).text.contains("Your role does not allow this action."))

                let confirm = try await web.get("/notifications/\(channel)/delete?name=Ops%20Slack%20(night)", as: admins)
                #expect(confirm.text.contains("Delete the channel “Ops Slack (night)”?"))
                #expect(try await web.post("/notifications/\(channel)/delete", form: ["_csrf": token], as: admins).location == "/notifications?done=deleted")
                #expect(try await web.get("/notifications?done=deleted", as: admins).text.contains("Channel deleted."))
            }
        }
        await redis.stop()
    }
}
