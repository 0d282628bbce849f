import Foundation
import Hummingbird
import HummingbirdTesting
import OptralisTestSupport
import Synchronization
import Testing

@Suite("Status page: UptimeRobot's external monitors")
struct StatusPageExternalTests {
    /// UptimeRobot's `getMonitors` answer (its JSON, logs newest first): one monitor down
    /// 30 minutes and up again, one hour before now.
    static func answer() -> String {
        let now = Int(Date().timeIntervalSince1970)
        return #"""
            {"stat":"ok","pagination":{"offset":0,"limit":50,"total":1},"monitors":[
            {"id":802079181,"friendly_name":"Optralis <API>","url":"https://optralis-api.example/health","type":1,"sub_type":"","keyword_type":null,
             "keyword_value":"","http_username":"","http_password":"","port":"","interval":300,"status":2,"create_datetime":1700000000,
             "custom_uptime_ratio":"99.950",
             "logs":[{"type":2,"datetime":\#(now - 3600),"duration":3600,"reason":{"code":"200","detail":"OK"}},
                     {"type":1,"datetime":\#(now - 5400),"duration":1800,"reason":{"code":"503","detail":"Service Unavailable"}}]}]}
            """#
    }

    @Test func the_section_shows_each_monitor_with_its_bars_and_a_notice_when_uptimerobot_fails() async throws {
        let failing = Switch()
        failing.on.withLock { $0 = true }
        let router = Router()
        router.post("/v2/getMonitors") { _, _ in
            failing.on.withLock { $0 }
                ? Response(status: .serviceUnavailable)
                : Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: Self.answer())))
        }
        let uptimeRobot = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await uptimeRobot.test(.live) { server in
            let environment = ["UPTIMEROBOT_API_KEY": "ur-web-test", "UPTIMEROBOT_API_URL": "http://127.0.0.1:\(server.port!)/v2"]
            try await WebHarness.run(apiEnvironment: environment) { web in
                let down = try await web.get("/status?lang=en")
                #expect(down.status == .ok, "the rest of the page does not depend on UptimeRobot: \(down.text.prefix(400))")
                #expect(down.text.contains("<h2>External monitors</h2>") && down.text.contains("The external monitors cannot be read right now."))

                failing.on.withLock { $0 = false }
                let page = try await web.get("/status?lang=en")
                #expect(page.status == .ok)
                let section = try #require(page.text.split(separator: "<h2>External monitors</h2>").last?.split(separator: "Recent incidents").first)
                #expect(
                    section.contains("<h3>Optralis &lt;API&gt;</h3>") && section.contains("99.95 %") && section.contains("class=\"pill online\""), "\(section)")
                #expect(section.matches(of: /class="bar [a-z]+"/).count == 30, "30 half-day bars: \(section)")
                #expect(section.contains("class=\"bar degraded\"") || section.contains("class=\"bar down\""), "the outage shows: \(section)")
                #expect(!page.text.contains("ur-web-test") && !page.text.contains("https://"), "no key, no external address")

                let french = try await web.get("/status?lang=fr")
                #expect(french.text.contains("<h2>Moniteurs externes</h2>") && french.text.contains("Optralis &lt;API&gt;"))
            }
        }
    }
}
